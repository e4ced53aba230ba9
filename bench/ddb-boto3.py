#!/usr/bin/env python3
"""ddb-boto3.py MODE ENDPOINT TABLE FILE — what a user would write instead
of quake-ddb-put: MODE "put" does the same conditional PutItem per line
(day attribute, condition on lastupdate) one after another; "put16" the
same from 16 threads; "batch" uses boto3's batch_writer (no conditions:
it cannot keep the newest revision). Prints the item count."""
import json, sys
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import boto3

mode, endpoint, table, path = sys.argv[1:5]
ddb = boto3.resource('dynamodb', endpoint_url=endpoint, region_name='us-east-1',
                     aws_access_key_id='bench', aws_secret_access_key='bench')
t = ddb.Table(table)


def item(line):
    ev = json.loads(line, parse_float=Decimal)
    ev['day'] = ev['time'][:10]
    return ev


def put(line):
    ev = item(line)
    try:
        t.put_item(Item=ev, ConditionExpression='attribute_not_exists(#id) OR #lu < :lu',
                   ExpressionAttributeNames={'#id': 'id', '#lu': 'lastupdate'},
                   ExpressionAttributeValues={':lu': ev['lastupdate']})
    except ddb.meta.client.exceptions.ConditionalCheckFailedException:
        pass


lines = open(path, encoding='utf-8')
if mode == 'put':
    for line in lines:
        put(line)
elif mode == 'put16':
    with ThreadPoolExecutor(16) as ex:
        list(ex.map(put, lines))
else:
    with t.batch_writer(overwrite_by_pkeys=['id']) as w:
        for line in lines:
            w.put_item(Item=item(line))
