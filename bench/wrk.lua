-- wrk script for `make bench`: counts responses by status and prints one JSON
-- line that bench/run.py reads. With BENCH_POST_BODY set it sends that form as
-- a POST (the share form); cookies come from wrk's -H option. With
-- BENCH_PATHS_FILE set it walks the addresses in that file (one per line), each
-- thread from its own starting point, far from the others', so few pages are asked for twice.

local body = os.getenv("BENCH_POST_BODY")
local sent = 0
if body and body ~= "" then
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   -- Each POST a different story (BENCHN becomes a number): the site stores the same text
   -- from the same client twice within minutes as one story.
   function request()
      sent = sent + 1
      return wrk.format(nil, nil, nil, (body:gsub("BENCHN", thread_number .. "x" .. sent)))
   end
end

local paths = nil
local paths_file = os.getenv("BENCH_PATHS_FILE")
if paths_file and paths_file ~= "" then
   paths = {}
   for line in io.lines(paths_file) do
      table.insert(paths, line)
   end
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("thread_number", #threads)
end

function init(args)
   statuses = {}
   if paths then
      -- Starting points spread by the golden ratio, so no two threads walk the same addresses
      -- (random seeds one apart started them side by side, and nginx then served every page
      -- the second time from its microcache or its lock).
      next_path = math.floor((thread_number * 0.6180339887) % 1 * #paths)
   end
end

if paths then
   function request()
      next_path = next_path % #paths + 1
      return wrk.format(nil, paths[next_path])
   end
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local counts = {}
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses")) do
         counts[status] = (counts[status] or 0) + n
      end
   end
   local parts = {}
   for status, n in pairs(counts) do
      table.insert(parts, string.format('"%d": %d', status, n))
   end
   local errors = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, '
         .. '"socket_errors": %d, "statuses": {%s}}\n',
      summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
      errors.connect + errors.read + errors.write + errors.timeout, table.concat(parts, ", ")))
end
