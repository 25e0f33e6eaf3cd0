#!/usr/bin/env python3
"""Produce ProfileStream events from outside the JVM, with Confluent's Python client.

Registers the .avsc files in schemas/ through the schema registry REST API, writes Avro values in the
Confluent wire format, then garbage bytes on every input topic, then one more good event each, and
prints the profile the engine should show. Needs Debian's python3-confluent-kafka, python3-avro and
python3-requests (fastavro, which Confluent's AvroSerializer needs, is not packaged in Debian).

The producer keeps librdkafka's default partitioner (consistent_random: CRC32 of the key) unless --partitioner says
otherwise, so a customer's records can land on other partitions than the Java client would choose; the engine moves
them to the task that owns the key. --topic-suffix names topics as a test namespace does (clickstream-events-ID).

  python3 tools/interop/produce.py --bootstrap 127.0.0.1:19092 --registry http://127.0.0.1:18081 --customer c-py
"""
import argparse
import datetime
import io
import json
import pathlib
import struct
import uuid

import avro.io
import avro.schema
import requests
from confluent_kafka import Producer

ROOT = pathlib.Path(__file__).resolve().parents[2] / "schemas" / "src" / "main" / "avro" / "events"


def register(registry, subject, text):
    response = requests.post(f"{registry}/subjects/{subject}/versions",
                             headers={"Content-Type": "application/vnd.schemaregistry.v1+json"},
                             data=json.dumps({"schema": text}), timeout=10)
    response.raise_for_status()
    return response.json()["id"]


def encode(schema, schema_id, value):
    out = io.BytesIO()
    out.write(struct.pack(">bI", 0, schema_id))
    avro.io.DatumWriter(schema).write(value, avro.io.BinaryEncoder(out))
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--registry", required=True)
    parser.add_argument("--customer", default="c-python")
    parser.add_argument("--partitioner", default=None,
                        help="librdkafka partitioner, e.g. murmur2_random (default: librdkafka's own)")
    parser.add_argument("--topic-suffix", default="")
    args = parser.parse_args()
    suffix = args.topic_suffix

    schemas = {}
    for name, topic in [("ClickEvent", "clickstream-events"), ("PurchaseEvent", "purchase-events"),
                        ("EmailEvent", "email-events")]:
        text = (ROOT / f"{name}.avsc").read_text()
        schemas[topic] = (avro.schema.parse(text), register(args.registry, f"{topic}{suffix}-value", text))

    settings = {"bootstrap.servers": args.bootstrap, "enable.idempotence": True}
    if args.partitioner:
        # murmur2_random is the Java client's partitioner: records need no detour inside the engine.
        settings["partitioner"] = args.partitioner
    producer = Producer(settings)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    customer, anonymous = args.customer, f"anon-{args.customer}"

    def send(topic, key, value):
        schema, schema_id = schemas[topic]
        producer.produce(topic + suffix, key=key.encode(), value=encode(schema, schema_id, value))

    def click(kind, category=None):
        return {"eventId": str(uuid.uuid4()), "anonymousId": anonymous, "customerId": customer,
                "sessionId": "py-session", "type": kind, "timestamp": now, "url": None, "productId": None,
                "category": category, "priceMinor": None, "currency": None, "searchQuery": None,
                "channel": "email", "device": "TABLET", "country": "DE"}

    def order(total):
        return {"eventId": str(uuid.uuid4()), "orderId": str(uuid.uuid4()), "customerId": customer,
                "type": "ORDER", "timestamp": now, "currency": "USD", "totalMinor": total, "discountMinor": 0,
                "items": [{"sku": "py-1", "category": "garden", "quantity": 1, "unitPriceMinor": total}],
                "channel": None}

    def email(kind):
        return {"eventId": str(uuid.uuid4()), "customerId": customer, "campaignId": "py-campaign",
                "type": kind, "timestamp": now, "url": None}

    send("clickstream-events", anonymous, click("LOGIN"))
    send("clickstream-events", anonymous, click("PRODUCT_VIEW", "garden"))
    send("purchase-events", customer, order(1234))
    send("email-events", customer, email("OPENED"))
    for topic in ("clickstream-events", "purchase-events", "email-events", "erasure-requests"):
        producer.produce(topic + suffix, key=customer.encode(), value=b"\x00garbage from python")
    send("clickstream-events", anonymous, click("PAGE_VIEW"))
    send("purchase-events", customer, order(766))
    send("email-events", customer, email("CLICKED"))
    producer.flush(30)
    print(json.dumps({"customer": customer, "expect": {
        "behaviour.logins": 1, "behaviour.productViews": 1, "behaviour.pageViews": 1,
        "transactions.orders": 2, "transactions.revenueMinor": 2000, "email.opens": 1, "email.clicks": 1,
        "dlq records": 4}}))


if __name__ == "__main__":
    main()
