-- id: devices
-- title: Devices and browsers
-- group: Audience
-- description: Learners and events by browser family, operating system or device type (by), parsed
--   from the user-agent string with ua-parser-js; device is desktop unless the parser reports mobile,
--   tablet, console, smarttv, wearable or embedded; a browser or OS it does not name is "Other". A learner
--   using several is counted under each; events without a user agent are "(none)". Every event of a learner
--   counts, with a time or not.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: by | choice(browser,os,device) | browser | Group by browser, os or device type
-- sort: learners desc
-- chart: bar x=name y=learners
SELECT coalesce(CASE :by WHEN 'os' THEN a.os WHEN 'device' THEN a.device ELSE a.browser END, '(none)') AS name,
	count(DISTINCT c.username) AS learners, sum(c.events) AS events,
	round(100.0 * sum(c.events) / sum(sum(c.events)) OVER (), 1) AS percent_of_events
FROM d_client c LEFT JOIN d_agent a ON a.agent_id = c.agent_id
WHERE c.course_id = :course OR (:course IS NULL AND c.course_id <> '')
GROUP BY 1
ORDER BY learners DESC, events DESC, name
