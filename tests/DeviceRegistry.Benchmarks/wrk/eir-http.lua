-- wrk script for the eir-http benchmark: rotates through a generated list of equipment-status checks
-- (one "pei supi" pair per line) so every request asks about another IMEI/IMSI.
--   wrk -t1 -c32 -d10s --latency -s eir-http.lua http://127.0.0.1:PORT -- CHECKS_FILE SECRET [get|batch] [BATCH_SIZE]
-- get:   GET /n5g-eir-eic/v1/equipment-status?pei=…&supi=…  (the bare endpoint gets the same bytes)
-- batch: POST /n5g-eir-eic/v1/equipment-status:batch with BATCH_SIZE checks per body
-- All requests are formatted once in init(); request() only hands out the next one.

local requests = {}
local counter = 0
local thread_count = 0

function setup(thread)
   thread:set("thread_index", thread_count)
   thread_count = thread_count + 1
end

function init(args)
   local file, secret, mode, size = args[1], args[2], args[3] or "get", tonumber(args[4] or "100")
   local checks = {}
   for line in io.lines(file) do
      local pei, supi = line:match("^(%S+) (%S+)$")
      checks[#checks + 1] = { pei, supi }
   end
   local headers = { ["Authorization"] = "Bearer " .. secret }
   if mode == "batch" then
      headers["Content-Type"] = "application/json"
      for first = 1, #checks - size + 1, size do
         local items = {}
         for i = first, first + size - 1 do
            items[#items + 1] = '{"pei":"' .. checks[i][1] .. '","supi":"' .. checks[i][2] .. '"}'
         end
         requests[#requests + 1] = wrk.format("POST", "/n5g-eir-eic/v1/equipment-status:batch", headers,
            '{"checks":[' .. table.concat(items, ",") .. ']}')
      end
   else
      for i = 1, #checks do
         requests[i] = wrk.format("GET", "/n5g-eir-eic/v1/equipment-status?pei=" .. checks[i][1] .. "&supi=" .. checks[i][2], headers)
      end
   end
   -- Threads start at different places in the list.
   counter = math.floor((thread_index or 0) * #requests / 7) % #requests
end

function request()
   counter = counter + 1
   if counter > #requests then
      counter = 1
   end
   return requests[counter]
end
