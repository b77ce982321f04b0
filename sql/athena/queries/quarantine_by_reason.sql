-- Rejected events by day and reason (data quality), with one example of each.
SELECT received_date, reason, COUNT(*) AS events, MIN(detail) AS example_detail
FROM quarantine
WHERE received_date >= current_date - INTERVAL '30' DAY
GROUP BY received_date, reason
ORDER BY received_date DESC, events DESC
