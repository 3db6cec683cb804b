-- Sandboxes forked before the fork counted what it copied hold objects at a count of 0: recount
-- them, as 0006 counted the sandboxes of its day (bytes as jsonb prints them; writes keep it from there).
UPDATE "sandboxes" s SET "object_count" = c.n, "object_bytes" = c.bytes
FROM (SELECT "sandbox_id", count(*) AS n, sum(octet_length("body"::text)) AS bytes FROM "objects" GROUP BY "sandbox_id") c
WHERE c."sandbox_id" = s."id" AND s."object_count" = 0;
