#!/usr/bin/python3
"""Expected SigV4 values from botocore, an implementation independent of
ours, for t/unit/test_sigv4.c.

Run with Debian's python3-botocore (/usr/bin/python3 tools/sigv4_vectors.py);
it prints C initializers that the unit test embeds as constants.  The clock
is fixed at 2015-08-30T12:36:00Z and the credentials are the test suite's.
"""

import datetime
import sys
import types
from unittest import mock

from botocore import auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AK = 'AKIDEXAMPLE'
SK = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
TOKEN = 'FQoGZXIvYXdzEXAMPLE/token+with/slashes=='


class FixedClock(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return cls(2015, 8, 30, 12, 36, 0)


CASES = [
    # name, signer class, service, region, token, method, url, params,
    # headers, body, presign expires
    ('lambda-invoke', auth.SigV4Auth, 'lambda', 'us-east-1', None, 'POST',
     'https://lambda.us-east-1.amazonaws.com'
     '/2015-03-31/functions/my-function/invocations',
     {'Qualifier': 'prod'},
     [('Content-Type', 'application/json'),
      ('X-Amz-Invocation-Type', 'RequestResponse')],
     b'{"key1":"value1","key2":"value2"}', None),
    ('execute-api-encoded-path', auth.SigV4Auth, 'execute-api', 'eu-west-1',
     None, 'GET',
     'https://abc123.execute-api.eu-west-1.amazonaws.com'
     '/dev/pets/a%20b/%E2%82%AC/./x/../y',
     {'b': 'a+c d', 'a': '~z', 'é': 'ü/?'},
     [('Accept', 'application/json')],
     b'', None),
    ('dynamodb-token-trim', auth.SigV4Auth, 'dynamodb', 'us-west-2', TOKEN,
     'POST', 'https://dynamodb.us-west-2.amazonaws.com/', {},
     [('Content-Type', 'application/x-amz-json-1.0'),
      ('X-Amz-Target', 'DynamoDB_20120810.PutItem'),
      ('My-Header', '  spaced   out\tvalue  ')],
     b'{"TableName":"t","Item":{"id":{"S":"1"}}}', None),
    ('s3-get-object', auth.S3SigV4Auth, 's3', 'us-east-1', None, 'GET',
     'https://examplebucket.s3.amazonaws.com/photos//my%20photo%2B1.jpg',
     {}, [('Range', 'bytes=0-9')], b'', None),
    ('execute-api-presigned', auth.SigV4QueryAuth, 'execute-api',
     'us-east-1', TOKEN, 'GET',
     'https://abc123.execute-api.us-east-1.amazonaws.com/prod/items/42',
     {'view': 'full'}, [], b'', 300),
]


def c_str(s, indent=8):
    """A C string literal, split into pieces that keep lines under 80."""
    if isinstance(s, bytes):
        s = s.decode('utf-8')
    tokens = []
    for ch in s:
        if ch in '\\"':
            tokens.append('\\' + ch)
        elif ch == '\n':
            tokens.append('\\n')
        elif ch == '\t':
            tokens.append('\\t')
        elif ord(ch) < 0x20 or ord(ch) > 0x7e:
            tokens.extend('\\%03o' % b for b in ch.encode('utf-8'))
        else:
            tokens.append(ch)
    width = 76 - indent
    pieces, cur = [], ''
    for t in tokens:
        if len(cur) + len(t) > width:
            pieces.append(cur)
            cur = ''
        cur += t
    pieces.append(cur)
    return ('\n' + ' ' * indent).join('"%s"' % p for p in pieces)


def main():
    fake = types.SimpleNamespace(datetime=FixedClock)

    for (name, cls, service, region, token, method, url, params, headers,
         body, expires) in CASES:
        creds = Credentials(AK, SK, token)
        if expires is None:
            signer = cls(creds, service, region)
        else:
            signer = cls(creds, service, region, expires=expires)

        req = AWSRequest(method=method, url=url, params=params, data=body,
                         headers=dict(headers))
        with mock.patch.object(auth, 'datetime', fake):
            signer.add_auth(req)

        prepared = req.prepare()
        path, _, query = prepared.url.split('://', 1)[1].partition('/')[2] \
            .partition('?')
        path = '/' + path
        canonical = signer.canonical_request(req)

        print('    /* %s: %s %s */' % (name, cls.__name__, service))
        print('    {')
        for v in (name, service, region, method, path, query, body,
                  token or ''):
            print('        %s,' % c_str(v))
        print('        %d,' % (1 if cls is auth.S3SigV4Auth else 0))
        print('        {')
        host = prepared.url.split('://', 1)[1].partition('/')[0]
        headers = [('Host', host)] + [
            (k, v) for k, v in prepared.headers.items()
            if k.lower() != 'authorization']
        for k, v in headers:
            print('            { %s,' % c_str(k, 14))
            print('              %s },' % c_str(v, 14))
        print('            { NULL, NULL }')
        print('        },')
        print('        %s' % c_str(prepared.headers.get('Authorization', '')))
        print('    },')
        if '-v' in sys.argv:
            sys.stderr.write(canonical + '\n\n')


if __name__ == '__main__':
    main()
