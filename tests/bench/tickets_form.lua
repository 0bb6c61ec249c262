-- tickets_form.lua: wrk script posting the contact form, each request a new ticket (a new idempotency key).
-- FORM_COOKIE, FORM_CSRF and FORM_TS come from the environment (tickets.sh fetched them).
local counter = 0
local thread_id = 0
local cookie = os.getenv("FORM_COOKIE")
local csrf = os.getenv("FORM_CSRF")
local ts = os.getenv("FORM_TS")
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tid
  math.randomseed(os.time() * 1000 + tid)
end

function request()
  counter = counter + 1
  local key = string.format("bench-%d-%d-%d", thread_id, counter, math.random(1, 1000000000))
  local body = "csrf=" .. csrf .. "&ts=" .. ts .. "&idem=" .. key ..
    "&name=Bench&email=bench%40example.com&subject=Cannot+pay+order+" .. counter ..
    "&body=My+payment+failed+again%0Aorder+" .. counter .. "&category=billing&priority=normal"
  return wrk.format("POST", "/tickets/new", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end
