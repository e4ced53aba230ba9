-- shake-wrk.lua — wrk drives quake-shake --listen as 10,000 phones: each
-- request is one push of 100 accelerometer samples (a second at 100 Hz)
-- from the next device in turn.
local devices, n = 10000, 0
local payload
local thread_no = 0

function setup(thread)
	thread:set("id", thread_no)
	thread_no = thread_no + 1
end

function init(args)
	local t = {}
	for i = 0, 99 do
		t[#t + 1] = string.format('{"name":"accelerometer","time":%d,"values":{"x":%.6f,"y":%.6f,"z":%.6f}}',
			1764576000000000000 + i * 10000000, 0.01 * math.sin(i), 0.012 * math.cos(i), -0.009 * math.sin(2 * i))
	end
	payload = "[" .. table.concat(t, ",") .. "]"
	n = id * 7919
end

function request()
	n = n + 1
	local body = '{"messageId":' .. n .. ',"sessionId":"s","deviceId":"dev-' .. (n % devices) ..
		'","payload":' .. payload .. '}'
	return wrk.format("POST", "/push", { ["Content-Type"] = "application/json" }, body)
end
