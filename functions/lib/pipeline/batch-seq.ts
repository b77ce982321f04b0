/**
 * Every record of a batch gets a sequence number that orders it as it arrived: raw object i of the batch starts at
 * i * OBJECT_SEQ_SPAN and each line adds its byte offset in the object. Curate keeps the first copy of an event by
 * it. The span (64 GiB) is far above any raw object; the numbers stay exact doubles (and BIGINTs) as long as a
 * batch has at most MAX_OBJECTS_PER_BATCH objects, which PlanBatch sees to.
 */
export const OBJECT_SEQ_SPAN = 2 ** 36;
export const MAX_OBJECTS_PER_BATCH = Math.floor(Number.MAX_SAFE_INTEGER / OBJECT_SEQ_SPAN);
