-- Customer A: a greenhouse heater with hysteresis. The device calls on_tick once a
-- second with the temperature; the script decides and the device acts.
local config = { low = 18.0, high = 21.5 }
local heater = false
local switches = 0

local M = {}

function M.on_tick(t, temperature)
  if not heater and temperature < config.low then
    heater = true
  elseif heater and temperature > config.high then
    heater = false
  else
    return
  end
  switches = switches + 1
  device.set_heater(heater)
  device.log(string.format("t=%d %.1fC heater %s", t, temperature, heater and "on" or "off"))
end

function M.report()
  return string.format("customer A: %d switches", switches)
end

return M
