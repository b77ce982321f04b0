-- Rejected events by day received and reason (data quality), with one example of each.
-- @param from date = CAST({{to}} - INTERVAL '29' DAY AS DATE) | first day received (default: the 30 days ending on to)
-- @param to date = current_date | last day received (default: today)
SELECT received_date, reason, COUNT(*) AS events, MIN(detail) AS example_detail
FROM quarantine
WHERE received_date BETWEEN {{from}} AND {{to}}
GROUP BY received_date, reason
ORDER BY received_date DESC, events DESC, reason
