-- strpack.lua: string.pack, string.packsize, string.unpack (assumes a little-endian 64-bit host: int=4, long=8, size_t=8)
local ncase = 0
local function check(name, cond, ...)
  if not cond then error("check failed: " .. name, 2) end
  ncase = ncase + 1
  print(name, ...)
end
local function checkerror(expected, f, ...)
  local ok, msg = pcall(f, ...)
  if ok then error("no error, expected: " .. expected, 2) end
  if type(msg) ~= "string" or not string.find(msg, expected, 1, true) then
    error("wrong error: " .. tostring(msg) .. " (expected " .. expected .. ")", 2)
  end
  return msg
end

local pack, unpack, packsize = string.pack, string.unpack, string.packsize
local function hex(s) return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end

-- 1 signed and unsigned bytes
do
  check("pack-01 bytes", hex(pack("bB", -1, 255)) == "ffff", hex(pack("bB", -1, 255)), unpack("bB", "\255\255"))
end

-- 2 shorts with explicit endianness
do
  check("pack-02 shorts", hex(pack("<h>h", 1, 1)) == "01000001", hex(pack("<h>h", 1, 1)), hex(pack("<H", 65535)), unpack("<h", "\255\255"), unpack("<H", "\255\255"))
end

-- 3 ints of explicit sizes
do
  check("pack-03 sized-ints", true, hex(pack("<i3", -2)), hex(pack(">I5", 1)), unpack("<i3", "\254\255\255"), unpack(">I5", "\0\0\0\0\1"))
end

-- 4 native-size integers i, I, l, L, j, J, T
do
  check("pack-04 native-sizes", true, packsize("i"), packsize("I"), packsize("l"), packsize("L"), packsize("j"), packsize("J"), packsize("T"), packsize("h"), packsize("b"))
end

-- 5 lua_Integer round trip
do
  local s = pack("<j", math.mininteger)
  check("pack-05 j-roundtrip", unpack("<j", s) == math.mininteger, hex(s), unpack("<j", s), unpack("<J", pack("<J", -1)))
end

-- 6 floats and doubles
do
  check("pack-06 floats", true, hex(pack("<f", 1.5)), hex(pack(">d", -2.0)), unpack("<f", pack("<f", 0.5)), unpack("<d", pack("<d", 0.1)), unpack("<n", pack("<n", 1e300)))
end

-- 7 float precision loss in 'f'
do
  local x = unpack("<f", pack("<f", 0.1))
  check("pack-07 float-precision", x ~= 0.1 and math.abs(x - 0.1) < 1e-7, string.format("%.10f", x))
end

-- 8 strings with length prefix s[n]
do
  local p = pack("<s1", "abc")
  local p4 = pack("<s4", "xy")
  check("pack-08 s-prefixed", hex(p) == "03616263", hex(p), hex(p4), unpack("<s1", p), unpack("<s4", p4))
end

-- 9 default s uses size_t prefix
do
  local p = pack("<s", "hi")
  check("pack-09 s-default", #p == 10, hex(p), unpack("<s", p))
end

-- 10 zero-terminated strings
do
  local p = pack("zz", "ab", "")
  check("pack-10 z", hex(p) == "61620000", hex(p), unpack("zz", p))
end

-- 11 fixed-size strings cN
do
  local p = pack("c5", "abc")
  check("pack-11 c-fixed", #p == 5 and p == "abc\0\0", hex(p), hex((unpack("c5", p))), unpack("c2c1", "xyz"))
end

-- 12 c longer than the given string pads; longer string errors
do
  local m = checkerror("string longer than given size", pack, "c2", "abc")
  check("pack-12 c-too-long", true, m)
end

-- 13 padding byte x
do
  check("pack-13 x-padding", hex(pack("bxb", 1, 2)) == "010002", hex(pack("bxb", 1, 2)), unpack("bxb", "\1\0\2"))
end

-- 14 alignment with ! and X
do
  check("pack-14 alignment", true, hex(pack("<!4 b i4", 1, 2)), hex(pack("<!8 b Xd d", 1, 2.0)), packsize("!4 b i4"), packsize("!8 b i8"), packsize("!2 b i8"))
end

-- 15 Xop aligns without consuming data
do
  check("pack-15 X", true, hex(pack("<b Xi4 b", 7, 8)), packsize("b Xi4"), packsize("b Xh"), packsize("!b Xi8"))
end

-- 16 unpack returns the next position
do
  local s = pack("<i4 i4", 10, 20)
  local a, b, nextpos = unpack("<i4 i4", s)
  check("pack-16 next-position", nextpos == 9, a, b, nextpos, unpack("<i4", s, 5))
end

-- 17 unpack with negative init
do
  local s = pack("<i2 i2", 1, 2)
  check("pack-17 negative-init", unpack("<i2", s, -2) == 2, unpack("<i2", s, -2))
end

-- 18 overflow checks when packing
do
  local m1 = checkerror("integer overflow", pack, "b", 200)
  local m2 = checkerror("unsigned overflow", pack, "B", 256)
  local m3 = checkerror("integer overflow", pack, "i2", -40000)
  check("pack-18 overflow", hex(pack("B", 255)) == "ff", m1, m2, m3)
end

-- 19 data string too short
do
  local m = checkerror("data string too short", unpack, "i4", "ab")
  check("pack-19 too-short", true, m)
end

-- 20 invalid format options and sizes
do
  local m1 = checkerror("invalid format option 'y'", pack, "y", 1)
  local m2 = checkerror("integral size (17) out of limits [1,16]", pack, "i17", 1)
  local m3 = checkerror("missing size for format option 'c'", pack, "c", "x")
  check("pack-20 bad-format", true, m1, m2, m3)
end

-- 21 packsize of variable-length formats errors
do
  local m1 = checkerror("variable-length format", packsize, "s")
  local m2 = checkerror("variable-length format", packsize, "z")
  check("pack-21 packsize-variable", packsize("i4i8d") == 20, packsize("i4i8d"), packsize("<!8 i4 i8"), m1, m2)
end

-- 22 large integers sizes up to 16 with sign extension
do
  local s = pack("<i16", -3)
  local u = pack("<I9", 1)
  check("pack-22 big-ints", #s == 16, hex(s), unpack("<i16", s), hex(u), unpack("<I9", u))
end

-- 23 unpacking big integers that do not fit
do
  local m = checkerror("does not fit into Lua Integer", unpack, "<i9", "\0\0\0\0\0\0\0\0\1")
  check("pack-23 does-not-fit", true, m)
end

-- 24 strings with embedded zero in z
do
  local m = checkerror("string contains zeros", pack, "z", "a\0b")
  check("pack-24 z-zero", true, m)
end

-- 25 unfinished z string
do
  local m = checkerror("unfinished string for format 'z'", unpack, "z", "abc")
  check("pack-25 z-unfinished", true, m)
end

-- 26 s prefix size overflow
do
  local m = checkerror("string length does not fit in given size", pack, "s1", string.rep("x", 256))
  check("pack-26 s-overflow", true, m)
end

-- 27 mixed endianness in a single format and spaces ignored
do
  local s = pack("< i2 > i2 = i2", 1, 1, 1)
  check("pack-27 mixed-endian", hex(s) == "010000010100", hex(s))
end

-- 28 numbers as floats for integer formats
do
  check("pack-28 float-to-int", hex(pack("<i2", 3.0)) == "0300", hex(pack("<i2", 3.0)), hex(pack("<d", 3)))
end

-- 29 non-integral float for integer format
do
  local m = checkerror("number has no integer representation", pack, "i4", 1.5)
  check("pack-29 float-not-int", true, m)
end

-- 30 round trip of a record
do
  local fmt = "<i4 d s1 z B"
  local s = pack(fmt, -123456, 3.25, "name", "zstr", 200)
  check("pack-30 record", true, #s, unpack(fmt, s))
end

-- 31 unpack position beyond data
do
  local m = checkerror("initial position out of string", unpack, "b", "abc", 5)
  check("pack-31 init-out", select("#", unpack("", "abc", 4)) == 1, unpack("b", "abc", 3), m)
end

-- 32 X needs a following option with a size
do
  local m = checkerror("invalid next option for option 'X'", pack, "b X i4", 1, 2)
  check("pack-32 X-invalid", true, m)
end

-- 33 alignment must be power of 2
do
  local m = checkerror("format asks for alignment not power of 2", pack, "!4 i3", 1)
  check("pack-33 align-power2", true, m)
end

-- 34 packsize results must fit an int
do
  local m = checkerror("format result too large", string.packsize, string.rep("c268435456", 8))
  check("pack-34 packsize-too-large", string.packsize(string.rep("c268435456", 7)) == 1879048192, m)
end

print("# cases", ncase)
