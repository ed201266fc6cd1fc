-- wrk script: one fixed request taken from the environment.
--   WRK_METHOD (default GET), WRK_BODY (form-urlencoded body, optional),
--   WRK_AUTH (full Authorization header value, optional).
-- Non-2xx/3xx answers are counted by wrk itself ("Non-2xx or 3xx responses").
wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
local auth = os.getenv("WRK_AUTH")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end
