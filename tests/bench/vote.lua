-- vote.lua: wrk script for tests/bench/deflection.sh: POST a JSON vote, each
-- request as a new visitor (its own hc_v cookie), so every vote is a new row.
local slug = os.getenv("BENCH_SLUG") or "reset-password"
local counter = 0
local thread_id = 0

function setup(thread)
	thread:set("tid", thread_id)
	thread_id = thread_id + 1
end

function request()
	counter = counter + 1
	local visitor = string.format("be%06x%024x", tid or 0, counter)
	return wrk.format("POST", "/api/v1/articles/" .. slug .. "/feedback",
	    { ["Content-Type"] = "application/json",
	      ["Cookie"] = "hc_v=" .. visitor },
	    '{"helpful": false, "reason": "unclear"}')
end
