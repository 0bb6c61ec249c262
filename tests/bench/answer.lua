-- answer.lua: wrk script for tests/bench/community.sh: POST a JSON answer
-- to /api/v1/threads/$BENCH_THREAD/answers, each with its own text (a
-- counter, so the duplicate rule never holds one) and as a new visitor
-- with a name of its own.
-- Every acknowledged answer (201 or 202) has its status and id appended to
-- $BENCH_ACKS.<n>, one file per wrk thread, so that the caller can check
-- that each one is stored.
local thread = os.getenv("BENCH_THREAD") or "1"
local acks = os.getenv("BENCH_ACKS") or "/tmp/answer-acks"
local path = "/api/v1/threads/" .. thread .. "/answers"
local counter = 0
-- In the setup state only: numbers the wrk threads; each thread's own
-- state gets its number as the global tid.
local nthreads = 0

function setup(t)
	t:set("tid", nthreads)
	nthreads = nthreads + 1
end

local f
function init(args)
	f = io.open(acks .. "." .. (tid or 0), "w")
	f:setvbuf("line")
end

function request()
	counter = counter + 1
	-- A display name of its own: a name another visitor holds is refused.
	local body = string.format('{"display_name": "bench %d-%d", "body": ' ..
	    '"Answer %d-%d: restart the router, then **retry** the ' ..
	    'payment (step %d)."}', tid or 0, counter, tid or 0, counter,
	    counter)
	return wrk.format("POST", path,
	    { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
	if status == 201 or status == 202 then
		local id = body:match('"id"%s*:%s*(%d+)')
		f:write(status, " ", id or "?", "\n")
	end
end
