-- bench/web/map_uncached.lua - GET the journey map with a query parameter
-- the page ignores (nc=N, distinct per request), so no request is served
-- from the page cache: every page is rendered from the in-memory dataset.
local counter = 0
local thread_id = 0

function setup(thread)
	thread:set("thread_id", thread_id)
	thread_id = thread_id + 1
end

function request()
	counter = counter + 1
	return wrk.format("GET", "/?nc=" .. thread_id .. "-" .. counter)
end
