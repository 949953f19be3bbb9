-- bench/web/api.lua - wrk script: POSTs batches of BATCH new responses to
-- /api/v1/responses and counts the 201 answers.
-- Usage: wrk -s api.lua URL -- TOUCHPOINT BATCH COUNT_FILE
-- Response ids are "b<thread>-<request>-<item>", all distinct. done()
-- writes the number of 201 answers and of other answers to COUNT_FILE.
local threads = {}
local next_id = 0

function setup(thread)
	thread:set("id", next_id)
	next_id = next_id + 1
	table.insert(threads, thread)
end

function init(args)
	touchpoint = args[1]
	batch = tonumber(args[2])
	count_file = args[3]
	ok = 0
	other = 0
	counter = 0
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/json"
end

function request()
	counter = counter + 1
	local items = {}
	for i = 1, batch do
		items[i] = string.format(
			'{"response_id":"b%d-%d-%d","submitted_at":"2026-03-%02dT10:00:00Z",' ..
			'"touchpoint":"%s","nps":%d,"csat":%d,"region":"R%d"}',
			id, counter, i, i % 28 + 1, touchpoint, (counter + i) % 11, i % 5 + 1, i % 4)
	end
	return wrk.format("POST", "/api/v1/responses", nil, "[" .. table.concat(items, ",") .. "]")
end

function response(status, headers, body)
	if status == 201 then
		ok = ok + 1
	else
		other = other + 1
	end
end

function done(summary, latency, requests)
	local total_ok, total_other = 0, 0
	for _, t in ipairs(threads) do
		total_ok = total_ok + t:get("ok")
		total_other = total_other + t:get("other")
	end
	local f = assert(io.open(threads[1]:get("count_file"), "w"))
	f:write(string.format("%d %d\n", total_ok, total_other))
	f:close()
end
