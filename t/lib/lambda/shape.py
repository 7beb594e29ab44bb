"""Returns the response shape named by the query parameter "shape", so one
function exercises every rule of the proxy integrations' responses."""

import base64
import json

SHAPES = {
    'plain': {'statusCode': 201, 'headers': {'X-One': '1'}, 'body': 'created'},
    'multi': {
        'statusCode': 200,
        'headers': {'X-Single': 's', 'X-Both': 'from-headers'},
        'multiValueHeaders': {'X-Multi': ['a', 'b'], 'X-Both': ['m1', 'm2']},
        'body': 'multi',
    },
    'types': {'statusCode': '202', 'headers': {'X-Num': 5, 'X-Bool': True},
              'body': None},
    'binary': {'statusCode': 200, 'isBase64Encoded': True,
               'headers': {'Content-Type': 'application/octet-stream'},
               'body': base64.b64encode(b'\x00\x01binary\xff').decode()},
    'content-type': {'statusCode': 200,
                     'headers': {'content-type': 'text/html; charset=utf-8'},
                     'body': '<p>hi</p>'},
    'cookies': {'statusCode': 200, 'cookies': ['a=1; Path=/', 'b=2'],
                'body': 'cookies'},
    'string': 'just a string',
    'object': {'message': 'Hello from Lambda!'},
    'number': 42,
    'no-status': {'body': 'no status'},
    'bad-status': {'statusCode': 'abc', 'body': 'x'},
    'body-object': {'statusCode': 200, 'body': {'not': 'a string'}},
    'bad-headers': {'statusCode': 200, 'headers': ['x'], 'body': 'x'},
    'bad-base64': {'statusCode': 200, 'isBase64Encoded': True, 'body': '@@@'},
    'splitting': {'statusCode': 200, 'headers': {'X-Evil': 'a\r\nSet-Cookie: x=1'},
                  'body': 'x'},
    'empty': {'statusCode': 204},
}


def lambda_handler(event, context):
    query = event.get('queryStringParameters') or {}
    return SHAPES[query.get('shape', 'plain')]
