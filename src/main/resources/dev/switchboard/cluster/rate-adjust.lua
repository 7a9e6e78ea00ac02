-- ARGV: 1 tokens per minute, 2 tokens to take (negative: give back), 3 now (ms). Never above a full bucket.
local tpm, delta, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local level = math.min(tpm, refill('t', tpm, now) - delta)
save('t', level, now)
expireWhenFull({ { level, tpm } })
return 1
