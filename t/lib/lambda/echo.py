"""Answers a Lambda proxy integration with the event it received."""

import json


def lambda_handler(event, context):
    return {
        'statusCode': 200,
        'headers': {'Content-Type': 'application/json'},
        'body': json.dumps(event),
        'isBase64Encoded': False,
    }
