-- oslib.lua: os.time (differences only, timezone-independent), os.date with "!" (UTC), io.write
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

local function T(tab) tab.isdst = false; return os.time(tab) end

-- 1 os.time with a table returns an integer
do
  local t = T{year = 2000, month = 1, day = 1, hour = 12}
  check("os-01 time-table", math.type(t) == "integer", math.type(t))
end

-- 2 differences of hours, minutes, seconds
do
  local base = T{year = 2000, month = 1, day = 1, hour = 12}
  local later = T{year = 2000, month = 1, day = 1, hour = 13, min = 30, sec = 15}
  check("os-02 time-diff", later - base == 5415, later - base)
end

-- 3 day and month arithmetic (default hour is 12)
do
  local a = T{year = 2000, month = 1, day = 1}
  local b = T{year = 2000, month = 3, day = 1}
  local c = T{year = 2001, month = 1, day = 1}
  check("os-03 days", (b - a) // 86400 == 60, (b - a) // 86400, (c - a) // 86400)
end

-- 4 normalisation of out-of-range fields
do
  local a = T{year = 2000, month = 1, day = 1, hour = 0}
  local b = T{year = 2000, month = 1, day = 32, hour = 0}
  local c = T{year = 1999, month = 13, day = 1, hour = 0}
  local d = T{year = 2000, month = 1, day = 1, hour = -1}
  check("os-04 normalise", (b - a) == 31 * 86400 and c == a, (b - a) // 86400, c - a, d - a)
end

-- 5 os.difftime returns a float
do
  local a = T{year = 2020, month = 6, day = 1, hour = 0}
  local b = T{year = 2020, month = 6, day = 2, hour = 0}
  check("os-05 difftime", os.difftime(b, a) == 86400.0, os.difftime(b, a), math.type(os.difftime(b, a)))
end

-- 6 missing fields
do
  local m = checkerror("field 'day' missing in date table", os.time, {year = 2000, month = 1})
  check("os-06 missing-field", true, m)
end

-- 7 os.time() without arguments gives an integer
do
  check("os-07 time-now", math.type(os.time()) == "integer", math.type(os.time()))
end

-- 8 os.date with '!' and explicit formats at the epoch
do
  check("os-08 date-epoch", os.date("!%Y-%m-%d %H:%M:%S", 0) == "1970-01-01 00:00:00", os.date("!%Y-%m-%d %H:%M:%S", 0))
end

-- 9 os.date with a fixed time
do
  local t = 951782400 + 3661   -- 2000-02-29 00:00:00 UTC plus 1h 1m 1s
  check("os-09 date-fixed", true, os.date("!%Y-%m-%d %H:%M:%S", t), os.date("!%j %a %A %b %B %p %y", t))
end

-- 10 os.date C-locale composite formats
do
  local t = 1234567890
  check("os-10 date-composite", true, os.date("!%c", t), os.date("!%x", t), os.date("!%X", t), os.date("!%D %T %R", t))
end

-- 11 more conversions: %w %u %e %I %M %%
do
  local t = 1000000000
  check("os-11 date-more", true, os.date("!%w %u [%e] %I %M %% %H", t), os.date("!%F", t))
end

-- 12 os.date "!*t" table
do
  local d = os.date("!*t", 86400 * 365 + 3600 * 5 + 7)
  local keys = {}
  for k in pairs(d) do keys[#keys + 1] = k end
  table.sort(keys)
  local vals = {}
  for i, k in ipairs(keys) do vals[i] = k .. "=" .. tostring(d[k]) end
  check("os-12 date-table", d.year == 1971, table.concat(vals, " "))
end

-- 13 os.date "*t" and os.time round trip (local time)
do
  local t = T{year = 2010, month = 7, day = 4, hour = 15, min = 20, sec = 5}
  local d = os.date("*t", t)
  check("os-13 date-roundtrip", d.year == 2010 and d.month == 7 and d.day == 4 and d.min == 20 and d.sec == 5,
        d.year, d.month, d.day, d.min, d.sec, d.wday, d.yday)
end

-- 14 os.date invalid conversion
do
  local m = checkerror("invalid conversion specifier '%Q'", os.date, "%Q", 0)
  check("os-14 date-invalid", true, m)
end

-- 15 os.date with '!' and a far date, leap year day counts
do
  local t = 4102444800   -- 2100-01-01 00:00:00 UTC
  check("os-15 date-far", true, os.date("!%Y-%m-%d %j", t), os.date("!%Y-%m-%d", t - 86400))
end

-- 16 io.write writes strings and numbers without separators; floats use "%.14g" (so 1.0 -> "1", -0.0 -> "-0")
do
  io.write("os-16 io-write\t", 1, " ", 2.5, " ", 1.0, " ", -0.0, " ", math.mininteger, "\n")
  ncase = ncase + 1
end

-- 17 io.write returns the file; chaining
do
  local f = io.write("")
  local ok = f == io.stdout
  f:write("os-17 io-write-chain\t"):write(tostring(ok), "\n")
  ncase = ncase + 1
end

-- 18 io.write errors on non-string arguments
do
  local m = checkerror("bad argument #1 to 'write' (string expected, got table)", function() io.write({}) end)
  check("os-18 io-write-error", true, m)
end

-- 19 os.date default format is %c
do
  check("os-19 date-default-utc", os.date("!", 0) == "" and os.date("!%c", 0) == "Thu Jan  1 00:00:00 1970", os.date("!%c", 0))
end

-- 20 weekday/yday fields across years
do
  local r = {}
  for _, y in ipairs({1970, 2000, 2024}) do
    local t = T{year = y, month = 12, day = 31, hour = 12}
    local d = os.date("*t", t)
    r[#r + 1] = y .. ":" .. d.yday .. ":" .. d.wday
  end
  check("os-20 yday-wday", true, table.concat(r, " "))
end

-- 21 every conversion and E/O modifier, UTC, at times around the epoch, a leap day, far before and at the end of year 9999
do
  local r = {}
  for _, t in ipairs({0, 86399, 951782400, 1700000000, -86400 * 400, 253402300799}) do
    r[#r + 1] = os.date("!%a %A %b %B %c %C %d %D %e %F %g %G %h %H %I %j %m %M %n %p %r %R %S %t %T %u %U %V %w %W %x %X %y %Y %z %%", t)
    r[#r + 1] = os.date("!%Ec %Ex %EX %Ey %EY %Od %Oe %OH %OI %Om %OM %OS %Ou %OU %OV %Ow %OW %Oy", t)
  end
  check("os-21 date-conversions", true, table.concat(r, "|"))
end

print("# cases", ncase)
