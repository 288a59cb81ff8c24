-- Game logic for samples/GameHost: a player chased by two orcs. The host calls update(dt, tick)
-- once per tick; everything here goes through the generated bindings of Vector2 and Entity.

local orcs = {
  Entity.new("orc1", Vector2.new(6, 0)),
  Entity.new("orc2", Vector2.new(0, -8)),
}

player.Velocity = Vector2.new(1, 0.5)
print("level: " .. loadlevel("crypt")) -- the host awaits a task here; the script reads on
print("start: " .. tostring(player))

-- A save game as binary bytes (a byte 0xFF first: not text), handed to the host and back.
function restore(blob)
  local magic, x, y, hp = string.unpack("<B d d i4", blob)
  return string.format("magic 0x%X at (%.2f, %.2f) with %d hp", magic, x, y, hp)
end

local function chase(orc, target, speed)
  local dir = (target.Position - orc.Position):Normalized()
  orc.Velocity = dir * speed
end

function update(dt, tick)
  player:Update(dt)
  for _, orc in ipairs(orcs) do
    if orc.IsAlive then
      chase(orc, player, 3)
      orc:Update(dt)
      if orc:DistanceTo(player) < 2 then
        local left = player:Damage(15)
        orc.Health = orc.Health - 60
        print(string.format("tick %d: %s hits the player (%d hp left), is hit back (%d hp)", tick, orc.Name, left, orc.Health))
      end
    end
  end
  if tick == 5 then
    local p = player.Position
    print("saved " .. storesave(string.pack("<B d d i4", 0xFF, p.X, p.Y, player.Health)) .. " bytes")
    for _, orc in ipairs(orcs) do print("end: " .. tostring(orc)) end
    print("player moved " .. string.format("%.2f", (player.Position - Vector2.Zero).Length) ..
      ", facing " .. tostring(player.Velocity:Normalized()))
    print("same vector: " .. tostring(player.Position == player.Position + Vector2.new(0, 0)))
    local ok, err = pcall(function() player.Health = "lots" end)
    print("bad assignment: " .. err)
    ok, err = pcall(function() return player:DistanceTo(Vector2.Zero) end)
    print("bad call: " .. err)
  end
end
