"""Curate one large batch on AWS Glue (PySpark): the same sql/transform/ SQL the curate Lambda runs in DuckDB.

Mirrors functions/pipeline/curate-batch/curate-batch.ts step for step:
  staged events + accepted ids of the batch's UTC dates (batch_utc_dates.sql) -> new_events.sql -> dated_events.sql -> lines (posexplode) -> sales_lines.sql /
  inventory_events.sql / purchase_orders.sql -> the batch's accepted ids (accepted_ids.sql) -> one file of the batch's new rows per partition, committed
  under an intent record (functions/lib/pipeline/curated-commit.ts: staged, intent, copies, intent deleted, staging deleted)
  -> date_totals.sql -> the run record control/runs/<batch>/curate.json. Rows already in the partitions are never rewritten.

spark_dialect.py, dialect.json and the SQL files arrive as one zip in --extra-py-files (on the Python path; the
files are read from beside the module); DuckDB-only functions are mapped to Spark by spark_dialect.py. The Spark
session runs in UTC with Spark's zone-aware TIMESTAMP (dialect.json "session"); the curated timestamps are written
without zone, as DuckDB writes them. Key layouts come as arguments, rendered by infra/ from functions/lib/lake-layout.ts.
"""
import json
import re
import sys
from datetime import datetime, timezone
from decimal import Decimal
from functools import reduce

import boto3
from awsglue.utils import getResolvedOptions
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from spark_dialect import load_mapping, resource_text, to_spark

ARGS = getResolvedOptions(
    sys.argv,
    [
        "JOB_NAME",
        "batch_id",
        "curated_bucket",
        "staged_events_key",  # a glob of the part files
        "accepted_ids_prefix",
        "accepted_ids_key",
        "daily_accepted_ids_prefix",
        "glue_work_prefix",
        "curate_record_key",
        "stores_key",
        "products_key",
        "partition_prefix",
        "curated_file_key",
        "commit_id",
        "commit_prefix",
        "commit_intent_key",
        "sales_lines_columns",
        "inventory_events_columns",
        "purchase_orders_columns",
    ],
)
BATCH = ARGS["batch_id"]
BUCKET = ARGS["curated_bucket"]
TABLE_COLUMNS = {
    "sales_lines": ARGS["sales_lines_columns"].split(","),
    "inventory_events": ARGS["inventory_events_columns"].split(","),
    "purchase_orders": ARGS["purchase_orders_columns"].split(","),
}


def key_for(template):
    return template.replace("{batch_id}", BATCH)


MAPPING = load_mapping()
builder = SparkSession.builder.appName(ARGS["JOB_NAME"])
for name, value in MAPPING["session"].items():
    builder = builder.config(name, value)
spark = builder.getOrCreate()
s3 = boto3.client("s3")


def sql_file(name):
    return to_spark(resource_text(f"{name}.sql"), MAPPING)


def without_zone(df):
    """The curated timestamps are UTC wall-clock time without zone (Parquet INT64 micros, isAdjustedToUTC=false, as
    DuckDB writes TIMESTAMP). A zone-aware column (e.g. read from an older file written with isAdjustedToUTC=true)
    is cast to one here; in the UTC session the value stays the same."""
    for field in df.schema.fields:
        if isinstance(field.dataType, T.TimestampType):
            df = df.withColumn(field.name, F.col(field.name).cast(T.TimestampNTZType()))
    return df


def s3a(key):
    return f"s3://{BUCKET}/{key}"


def list_keys(prefix):
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        keys.extend(o["Key"] for o in page.get("Contents", []))
    return sorted(keys)


def delete_keys(keys):
    for i in range(0, len(keys), 1000):
        out = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": k} for k in keys[i : i + 1000]], "Quiet": True})
        if out.get("Errors"):
            raise RuntimeError(f"deleting {len(out['Errors'])} objects failed, first: {out['Errors'][0]}")


# The staged event columns, as the curate Lambda reads them (never inferred).
LINE = T.StructType(
    [
        T.StructField("sku", T.StringType()),
        T.StructField("quantity", T.IntegerType()),
        T.StructField("unit_price", T.DoubleType()),
        T.StructField("discount", T.DoubleType()),
    ]
)
STAGED = T.StructType(
    [
        T.StructField("event_id", T.StringType()),
        T.StructField("event_type", T.StringType()),
        T.StructField("schema_version", T.IntegerType()),
        T.StructField("store_id", T.StringType()),
        T.StructField("occurred_at", T.StringType()),
        T.StructField("transaction_id", T.StringType()),
        T.StructField("customer_id", T.StringType()),
        T.StructField("payment_method", T.StringType()),
        T.StructField("lines", T.ArrayType(LINE)),
        T.StructField("sku", T.StringType()),
        T.StructField("on_hand_qty", T.IntegerType()),
        T.StructField("reorder_point", T.IntegerType()),
        T.StructField("quantity_change", T.IntegerType()),
        T.StructField("reason", T.StringType()),
        T.StructField("po_id", T.StringType()),
        T.StructField("quantity", T.IntegerType()),
        T.StructField("expected_date", T.StringType()),
        T.StructField("supplier", T.StringType()),
    ]
)

# Reference data.
spark.read.csv(s3a(ARGS["stores_key"]), header=True).createOrReplaceTempView("stores")
spark.read.csv(s3a(ARGS["products_key"]), header=True).select("sku", F.col("unit_cost").cast("double").alias("unit_cost")).createOrReplaceTempView(
    "products"
)

# Staged lines are {"seq": n, "event": {...}}: seq, set by Validate, is the arrival order "first copy" refers to.
(
    spark.read.schema(T.StructType([T.StructField("seq", T.LongType()), T.StructField("event", STAGED)]))
    .json(s3a(key_for(ARGS["staged_events_key"])))
    .select("seq", "event.*")
    .cache()
    .createOrReplaceTempView("staged_events")
)

# Event ids accepted by earlier batches, kept by the UTC date of occurred_at in one file per UTC month and batch (columns
# event_id, utc_date; rows in utc_date order) as the curate Lambda keeps them (functions/pipeline/curate-batch/accepted-ids.ts):
# a lake of the flat layout is moved over first, then only the months of the batch's dates, filtered to those dates,
# and the undated ids are read, with the daily layout's files of those dates that the Lambda has not moved yet. This
# batch's own files are left out so a re-run sees the same input.
FLAT_IDS = re.compile(r"^batch=(.+)\.parquet$")
UNDATED_IDS = "undated"
work = key_for(ARGS["glue_work_prefix"])


def ids_key(month, batch):
    return ARGS["accepted_ids_key"].replace("{batch_id}", batch).replace("{month}", month)


def daily_ids_prefix(date):
    """The daily layout that came before the monthly one: accepted_ids/utc_date=<date>/."""
    return ARGS["daily_accepted_ids_prefix"].replace("{date}", date)


def write_ids_by_month(ids, batch):
    """One Parquet file of event_id, utc_date per UTC month of `ids` (utc_date a date, null when undated), in
    utc_date order, at the key the Lambda uses."""
    tmp = f"{work}accepted_ids/"
    month = F.coalesce(F.date_format("utc_date", "yyyy-MM"), F.lit(UNDATED_IDS)).alias("utc_month")
    (
        ids.select("event_id", F.col("utc_date").cast("date").alias("utc_date"), month)
        .orderBy("utc_date", "event_id")
        .coalesce(1)
        .write.mode("overwrite")
        .option("compression", "zstd")
        .partitionBy("utc_month")
        .parquet(s3a(tmp))
    )
    for key in [k for k in list_keys(tmp) if k.endswith(".parquet")]:
        month_value = key[len(tmp) :].split("/", 1)[0].split("=", 1)[1]
        s3.copy_object(Bucket=BUCKET, Key=ids_key(month_value, batch), CopySource={"Bucket": BUCKET, "Key": key})
    delete_keys(list_keys(tmp))


def migrate_flat_accepted_ids():
    """Ids of the flat layout (accepted_ids/batch=<id>.parquet) go under the UTC date of their curated rows'
    occurred_at, or to the undated ids; new files first, then the flat one is deleted."""
    prefix = ARGS["accepted_ids_prefix"]
    flat = [k for k in list_keys(prefix + "batch=") if FLAT_IDS.match(k[len(prefix) :])]
    if not flat:
        return
    frames = []
    for table in TABLE_COLUMNS:
        keys = [k for k in list_keys(ARGS["partition_prefix"].replace("{table}", table).split("{date}")[0]) if k.endswith(".parquet")]
        if keys:
            frames.append(without_zone(spark.read.parquet(*[s3a(k) for k in keys])).select("event_id", "occurred_at"))
    dates = None
    if frames:
        dates = reduce(lambda a, b: a.unionByName(b), frames).groupBy("event_id").agg(F.to_date(F.min("occurred_at")).alias("utc_date")).cache()
    for key in flat:
        ids = spark.read.parquet(s3a(key)).select("event_id")
        ids = ids.join(dates, "event_id", "left") if dates is not None else ids.withColumn("utc_date", F.lit(None).cast("date"))
        write_ids_by_month(ids.select("event_id", "utc_date"), FLAT_IDS.match(key[len(prefix) :]).group(1))
        delete_keys([key])


migrate_flat_accepted_ids()
batch_dates = [r[0].isoformat() for r in spark.sql(sql_file("batch_utc_dates")).collect()]
own_ids_file = ids_key("{month}", BATCH).rsplit("/", 1)[1]


def id_files_under(prefix):
    return [k for k in list_keys(prefix) if k.endswith(".parquet") and k.rsplit("/", 1)[1] != own_ids_file]


month_files = [k for m in sorted({d[:7] for d in batch_dates}) + [UNDATED_IDS] for k in id_files_under(ids_key(m, BATCH).rsplit("/", 1)[0] + "/")]
daily_files = [k for d in batch_dates + [UNDATED_IDS] for k in id_files_under(daily_ids_prefix(d))]
id_frames = []
if month_files:
    wanted = F.col("utc_date").isNull() | F.col("utc_date").isin([datetime.strptime(d, "%Y-%m-%d").date() for d in batch_dates])
    id_frames.append(spark.read.parquet(*[s3a(k) for k in month_files]).where(wanted).select("event_id"))
if daily_files:
    id_frames.append(spark.read.parquet(*[s3a(k) for k in daily_files]).select("event_id"))
if id_frames:
    reduce(lambda a, b: a.unionByName(b), id_frames).createOrReplaceTempView("accepted_ids")
else:
    spark.createDataFrame([], T.StructType([T.StructField("event_id", T.StringType())])).createOrReplaceTempView("accepted_ids")

spark.sql(sql_file("new_events")).cache().createOrReplaceTempView("new_events")
spark.sql(sql_file("dated_events")).cache().createOrReplaceTempView("dated_events")
# An event whose store left stores.csv since Validate has no zone, so no business date: stop, as the Lambda does.
undated = spark.sql(sql_file("undated_stores")).collect()
if undated:
    raise RuntimeError(
        "store_id: "
        + ", ".join(f"{r['store_id']} ({r['events']} events)" for r in undated)
        + " not in reference/stores.csv, which Validate found them in: restore the stores (with their timezone) and run again; nothing of this batch was curated"
    )
# Unnesting is the one step each engine spells its own way (DuckDB: unnest + generate_subscripts).
(
    spark.table("staged_events")
    .join(spark.table("dated_events"), "seq")
    .where(F.col("event_type").isin("sale", "return"))
    .select(
        "event_id", "transaction_id", "store_id", "occurred_at_utc", "business_date", "event_type", "customer_id", "payment_method",
        F.posexplode("lines").alias("pos", "line"),
    )
    .select(
        "event_id", "transaction_id", "store_id", "occurred_at_utc", "business_date", "event_type", "customer_id", "payment_method",
        (F.col("pos") + 1).alias("line_no"),
        F.col("line.sku").alias("sku"),
        F.col("line.quantity").alias("quantity"),
        F.col("line.unit_price").alias("unit_price"),
        F.col("line.discount").alias("discount"),
    )
    .createOrReplaceTempView("new_event_lines")
)
new_rows = {
    "sales_lines": spark.sql(sql_file("sales_lines")).cache(),
    "inventory_events": spark.sql(sql_file("inventory_events")).cache(),
    "purchase_orders": spark.sql(sql_file("purchase_orders")).cache(),
}
counts = spark.sql(
    "SELECT (SELECT count(*) FROM staged_events) AS staged, (SELECT count(*) FROM new_events) AS curated_events"
).first()
net_revenue = new_rows["sales_lines"].agg(F.coalesce(F.sum("net_revenue"), F.lit(Decimal(0)))).first()[0]

# The batch's accepted ids, one Parquet file per UTC month at the keys the Lambda uses, before any partition changes.
write_ids_by_month(spark.sql(sql_file("accepted_ids")).select("event_id", "utc_date"), BATCH)


# The order of a batch file's rows (as the curate Lambda writes them): the same input gives the same file.
FILE_ORDER = {
    "sales_lines": ["store_id", "sku", "event_id", "line_no"],
    "inventory_events": ["store_id", "sku", "event_id"],
    "purchase_orders": ["store_id", "sku", "event_id"],
}
COMMIT_PREFIX = key_for(ARGS["commit_prefix"])


def write_batch_files(table):
    """The batch's new rows of `table`, one Parquet file per business date, staged under the commit's folder (where
    no reader looks). Returns the dates and the intent's puts: each date's file key (the batch's own, so a re-run
    overwrites it) and its staged copy."""
    rows = new_rows[table]
    dates = sorted(r[0].isoformat() for r in rows.select("business_date").distinct().collect())
    if not dates:
        return dates, []
    out = f"{COMMIT_PREFIX}spark/{table}/"
    # business_date stays inside the files (Redshift COPY does not read partition paths): partition by a copy.
    # repartition by the date puts each date in one task, so each date is one file.
    (
        without_zone(rows.select(*TABLE_COLUMNS[table]))
        .withColumn("_partition", F.col("business_date").cast("string"))
        .repartition("_partition")
        .sortWithinPartitions(*FILE_ORDER[table])
        .write.mode("overwrite")
        .option("compression", "zstd")
        .partitionBy("_partition")
        .parquet(s3a(out))
    )
    puts = []
    for d in dates:
        written = [k for k in list_keys(f"{out}_partition={d}/") if k.endswith(".parquet")]
        if len(written) != 1:
            raise RuntimeError(f"{table} {d}: Spark wrote {len(written)} files, the commit takes one per date")
        key = ARGS["curated_file_key"].replace("{table}", table).replace("{date}", d).replace("{batch_id}", BATCH)
        puts.append({"key": key, "staged": written[0]})
    return dates, puts


INTENT_KEY = key_for(ARGS["commit_intent_key"])


def apply_intent(intent):
    """Steps 3 and 4 of the protocol: the copies, then the intent and the staged files go."""
    for put in intent["puts"]:
        s3.copy_object(Bucket=BUCKET, Key=put["key"], CopySource={"Bucket": BUCKET, "Key": put["staged"]})
    if intent["deletes"]:
        delete_keys(intent["deletes"])
    delete_keys([INTENT_KEY])
    delete_keys(list_keys(COMMIT_PREFIX))


def finish_earlier_attempt():
    """A retried job may find the intent of an attempt that died mid-commit: it is finished first, as the next
    run's rollForward would, because Spark's overwrite below removes the staged files that intent names."""
    if INTENT_KEY in list_keys(INTENT_KEY):
        apply_intent(json.loads(s3.get_object(Bucket=BUCKET, Key=INTENT_KEY)["Body"].read()))


def commit(puts):
    """The intent record (the format of functions/lib/pipeline/curated-commit.ts CommitIntent), then apply it. A crash
    anywhere after the intent is finished by the next run's PlanBatch (rollForward)."""
    intent = {
        "version": 1,
        "commitId": key_for(ARGS["commit_id"]),
        "createdAt": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
        "puts": puts,
        "deletes": [],
    }
    s3.put_object(Bucket=BUCKET, Key=INTENT_KEY, Body=json.dumps(intent).encode("utf-8"), ContentType="application/json")
    apply_intent(intent)


finish_earlier_attempt()
affected = {}
batch_puts = []
for table in TABLE_COLUMNS:
    affected[table], table_puts = write_batch_files(table)
    batch_puts.extend(table_puts)
commit(batch_puts)

for table in new_rows:
    new_rows[table].createOrReplaceTempView(f"new_{table}")
date_totals = {
    r["business_date"].isoformat(): {
        "salesLines": int(r["sales_lines"]),
        "netRevenueCents": int(r["net_revenue_cents"]),
        "inventoryEvents": int(r["inventory_events"]),
    }
    for r in spark.sql(sql_file("date_totals")).collect()
}
result = {
    "batchId": BATCH,
    "curatedEvents": int(counts["curated_events"]),
    "duplicates": int(counts["staged"]) - int(counts["curated_events"]),
    "rows": {t: new_rows[t].count() for t in new_rows},
    "netRevenue": float(net_revenue),
    "affectedDates": affected,
    "dateTotals": date_totals,
}
s3.put_object(Bucket=BUCKET, Key=key_for(ARGS["curate_record_key"]), Body=json.dumps(result).encode("utf-8"), ContentType="application/json")
print(json.dumps(result))
