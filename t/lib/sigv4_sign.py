#!/usr/bin/python3
"""Signs a request with botocore (Debian's python3-botocore), a SigV4
implementation independent of the module's, for t/025-iam-auth.t.

    sigv4_sign.py METHOD URL [options]

URL is http://HOST/path?query as the client will send it.  Prints the
request target to send ("URI /path?query") and then the headers botocore
set or was given ("Name: value", one a line), Host excepted: the test
client sends "Host: HOST" itself.

Options:
    --key AK --secret SK [--token TOKEN]   the credentials
    --region R --service S                 the scope (us-east-1,
                                           execute-api)
    --header 'Name: value'                 a header to send and sign
    --param NAME=VALUE                     a query parameter, encoded by
                                           botocore (special characters)
    --body TEXT                            the body
    --date 20200101T000000Z                sign at that time, not now
    --presign SECONDS                      a presigned URL (SigV4QueryAuth)
                                           valid that long, instead of the
                                           Authorization header
    --date-header                          the time in a Date header, not
                                           X-Amz-Date (botocore's own steps
                                           of add_auth, without the one
                                           that adds X-Amz-Date)
"""

import argparse
import datetime
import sys
import types
from email.utils import format_datetime
from unittest import mock
from urllib.parse import urlsplit

from botocore import auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('method')
    ap.add_argument('url')
    ap.add_argument('--key', required=True)
    ap.add_argument('--secret', required=True)
    ap.add_argument('--token')
    ap.add_argument('--region', default='us-east-1')
    ap.add_argument('--service', default='execute-api')
    ap.add_argument('--header', action='append', default=[])
    ap.add_argument('--param', action='append', default=[])
    ap.add_argument('--body', default='')
    ap.add_argument('--date')
    ap.add_argument('--presign', type=int)
    ap.add_argument('--date-header', action='store_true')
    a = ap.parse_args()

    headers = {}
    for h in a.header:
        name, _, value = h.partition(':')
        headers[name.strip()] = value.strip()

    params = {}
    for p in a.param:
        name, _, value = p.partition('=')
        params[name] = value

    creds = Credentials(a.key, a.secret, a.token)

    if a.presign is not None:
        signer = auth.SigV4QueryAuth(creds, a.service, a.region,
                                     expires=a.presign)
    else:
        signer = auth.SigV4Auth(creds, a.service, a.region)

    req = AWSRequest(method=a.method, url=a.url, params=params or None,
                     data=a.body.encode('utf-8'), headers=headers)

    if a.date_header:
        now = datetime.datetime.utcnow()
        if a.date:
            now = datetime.datetime.strptime(a.date, '%Y%m%dT%H%M%SZ')
        req.context['timestamp'] = now.strftime('%Y%m%dT%H%M%SZ')
        req.headers['Date'] = format_datetime(
            now.replace(tzinfo=datetime.timezone.utc), usegmt=True)
        if a.token:
            req.headers['X-Amz-Security-Token'] = a.token
        canonical = signer.canonical_request(req)
        sts = signer.string_to_sign(req, canonical)
        signer._inject_signature_to_request(req, signer.signature(sts, req))
    elif a.date:
        fixed = datetime.datetime.strptime(a.date, '%Y%m%dT%H%M%SZ')

        class Clock(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return fixed

            @classmethod
            def now(cls, tz=None):
                return fixed.replace(tzinfo=tz)

        with mock.patch.object(auth, 'datetime',
                               types.SimpleNamespace(datetime=Clock)):
            signer.add_auth(req)
    else:
        signer.add_auth(req)

    prepared = req.prepare()
    url = urlsplit(prepared.url)
    target = url.path or '/'
    if url.query:
        target += '?' + url.query

    out = ['URI ' + target]
    for name, value in prepared.headers.items():
        if name.lower() in ('host', 'content-length'):
            continue
        out.append('%s: %s' % (name, value))

    sys.stdout.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
