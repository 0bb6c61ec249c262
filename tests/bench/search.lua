-- search.lua: wrk script for make bench: GET /api/v1/search?q=... cycling
-- through tests/bench/queries.txt (or $BENCH_QUERIES), URL-encoded.
-- $BENCH_PARAMS (e.g. "type=thread") is put before q= in every request.

local file = os.getenv("BENCH_QUERIES") or "tests/bench/queries.txt"
local params = os.getenv("BENCH_PARAMS") or ""
local paths = {}

local function urlencode(s)
	return (s:gsub("[^%w%-%._~]", function(c)
		return string.format("%%%02X", string.byte(c))
	end))
end

for line in io.lines(file) do
	if line ~= "" and line:sub(1, 1) ~= "#" then
		paths[#paths + 1] = "/api/v1/search?" ..
		    (params ~= "" and params .. "&" or "") .. "q=" .. urlencode(line)
	end
end

-- Each thread starts at a different query.
local counter = 0
function setup(thread)
	thread:set("start", counter * 17)
	counter = counter + 1
end

local i = 0
function init(args)
	i = (start or 0) % #paths
end

-- BENCH_UNIQUE=1 appends a number no other request uses, so that no result
-- cache can answer: every request runs its query.
local unique = os.getenv("BENCH_UNIQUE") == "1"
local n = 0

function request()
	i = i % #paths + 1
	if unique then
		n = n + 1
		return wrk.format("GET", paths[i] .. "+" .. (start or 0) .. "x" .. n)
	end
	return wrk.format("GET", paths[i])
end
