-- Customer B: a server room. Keeps a moving average of the last five readings, raises
-- alarm once when it passes the limit, and counts readings per whole degree.
local window, limit = 5, 20.0
local readings, histogram = {}, {}
local alarmed = false

local M = {}

local function average()
  local sum = 0
  for _, r in ipairs(readings) do sum = sum + r end
  return sum / #readings
end

function M.on_tick(t, temperature)
  readings[#readings + 1] = temperature
  if #readings > window then table.remove(readings, 1) end
  local degree = math.floor(temperature)
  histogram[degree] = (histogram[degree] or 0) + 1
  local avg = average()
  if avg > limit and not alarmed then
    alarmed = true
    device.alarm("average " .. string.format("%.2f", avg) .. " above " .. limit)
  end
  device.set_heater(false)
end

function M.report()
  local keys = {}
  for k in pairs(histogram) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = k .. ":" .. histogram[k] end
  return "customer B: " .. table.concat(parts, " ")
end

return M
