-- Loads every key's counters from the ledger unless another node already did (the marker is there):
-- one script, so nodes starting together rebuild exactly once. Reservations are left as they are.
-- KEYS[1]: the marker. ARGV: 1 the snapshot's time, 2-4 its day, week and month starts, then per key:
-- its account's Redis key, total, day, week, month. Returns 1 when loaded, 0 when kept.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
for i = 5, #ARGV, 5 do
  redis.call('HSET', ARGV[i], 'total', ARGV[i + 1], 'day', ARGV[i + 2], 'day_start', ARGV[2],
    'week', ARGV[i + 3], 'week_start', ARGV[3], 'month', ARGV[i + 4], 'month_start', ARGV[4])
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
