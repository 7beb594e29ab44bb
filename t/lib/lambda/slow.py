"""Sleeps longer than its timeout (default 3 seconds)."""

import time


def lambda_handler(event, context):
    print('going to sleep')
    time.sleep(event.get('seconds', 10))
    return {'statusCode': 200, 'body': 'woke up'}
