-- The sample host's script: the host calls update(tick) every tick.
local score = 0
local history = {}

local function bonus(tick)
  if tick % 5 == 0 then
    return 10
  end
  return 1
end

function update(tick)
  local gained = bonus(tick)
  score = score + gained
  history[#history + 1] = gained
  print(string.format("tick %d score %d", tick, score))
  return score
end
