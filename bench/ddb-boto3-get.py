#!/usr/bin/env python3
"""ddb-boto3-get.py ENDPOINT TABLE SINCE UNTIL [THREADS] — what a user would
write instead of quake-ddb-get: boto3's paginated Query of day-time-index,
one day partition after another (or THREADS days at once), each item
printed as a JSON line, in time order. Dates are YYYY-MM-DD, inclusive."""
import datetime, json, sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from boto3.dynamodb.conditions import Key

endpoint, table, since, until = sys.argv[1:5]
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 1
t = boto3.resource('dynamodb', endpoint_url=endpoint, region_name='us-east-1',
                   aws_access_key_id='bench', aws_secret_access_key='bench').Table(table)


def day(d):
    items, kw = [], {'IndexName': 'day-time-index', 'KeyConditionExpression': Key('day').eq(d)}
    while True:
        page = t.query(**kw)
        items += page['Items']
        if 'LastEvaluatedKey' not in page:
            return items
        kw['ExclusiveStartKey'] = page['LastEvaluatedKey']


d0, d1 = datetime.date.fromisoformat(since), datetime.date.fromisoformat(until)
days = [(d0 + datetime.timedelta(n)).isoformat() for n in range((d1 - d0).days + 1)]
out = sys.stdout
with ThreadPoolExecutor(threads) as ex:
    for items in ex.map(day, days):
        for it in items:
            it.pop('day', None)
            out.write(json.dumps(it, default=str, separators=(',', ':')) + '\n')
