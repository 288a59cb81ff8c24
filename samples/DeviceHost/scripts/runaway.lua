-- A faulty script: its tick never returns. The device's instruction budget stops it.
local M = {}
function M.on_tick(t, temperature)
  while true do end
end
function M.report() return "never" end
return M
