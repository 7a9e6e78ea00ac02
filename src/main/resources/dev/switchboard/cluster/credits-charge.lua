-- ARGV: 1-3 period starts, 4 cost, 5 the node's sequence number, 6 how long to keep it (ms).
-- KEYS[5]: the node's last applied sequence number (see credits-settle.lua).
dropExpired()
rollPeriods()
add(ARGV[4])
if tonumber(ARGV[5]) > tonumber(redis.call('GET', KEYS[5]) or '0') then
  redis.call('SET', KEYS[5], ARGV[5], 'PX', ARGV[6])
end
return 1
