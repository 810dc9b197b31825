-- A trace's summary rows merged (GROUP BY TraceId) into what a search result shows.
SELECT TraceId,
       toString(toUnixTimestamp64Nano(min(Start))) AS startNs,
       toString(toUnixTimestamp64Nano(max(End)) - toUnixTimestamp64Nano(min(Start))) AS durationNs,
       sum(Spans) AS spanCount,
       sum(Errors) AS errorCount,
       min(Root).Service AS rootService,
       min(Root).Operation AS rootOperation,
       toString(toUnixTimestamp64Nano(min(Root).Start)) AS rootStartNs,
       sumMap(ServiceSpans) AS services
