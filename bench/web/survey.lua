-- bench/web/survey.lua - wrk script: POSTs distinct survey answers to one
-- shared link, /s/TOKEN, and counts the 2xx answers.
-- Usage: wrk -s survey.lua URL -- TOKEN COUNT_FILE
-- Each request carries a new nonce (22 characters: "w", the thread's
-- number, a counter), so each stores a new response TOKEN-NONCE. done()
-- writes the number of 2xx answers (summed over the threads) to COUNT_FILE.
local threads = {}
local next_id = 0

function setup(thread)
	thread:set("id", next_id)
	next_id = next_id + 1
	table.insert(threads, thread)
end

function init(args)
	token = args[1]
	count_file = args[2]
	ok = 0
	other = 0
	counter = 0
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
	counter = counter + 1
	local nonce = string.format("w%03d%018d", id, counter)
	local body = string.format("nonce=%s&nps=%d&csat=%d&comment=bench+%d", nonce,
		counter % 11, counter % 5 + 1, counter)
	return wrk.format("POST", "/s/" .. token, nil, body)
end

function response(status, headers, body)
	if status >= 200 and status < 300 then
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
