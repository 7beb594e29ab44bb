#!/usr/bin/python3
"""A stand-in for AWS's Lambda endpoint that checks SigV4 signatures with
botocore, an implementation independent of the module's.

Usage: aws_endpoint.py PORT ACCESS_KEY SECRET_KEY REGION [SESSION_TOKEN]

POST /2015-03-31/functions/NAME/invocations: when the Authorization
header's signature is the one botocore computes for the request (the
headers it names as signed, the body, the date it carries), answers as a
Lambda proxy function would: 200 and a body describing what it checked.
Otherwise 403, with Lambda's InvalidSignatureException.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

PORT, ACCESS, SECRET, REGION = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
TOKEN = sys.argv[5] if len(sys.argv) > 5 else None


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, obj, error_type=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        if error_type:
            self.send_header('X-Amzn-ErrorType', error_type)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        auth = self.headers.get('Authorization', '')

        try:
            fields = dict(part.strip().split('=', 1)
                          for part in auth[len('AWS4-HMAC-SHA256 '):].split(','))
            signed = fields['SignedHeaders'].split(';')
            credential = fields['Credential'].split('/')
        except Exception:
            return self.answer(403, {'message': 'Missing Authentication Token'},
                               'MissingAuthenticationTokenException')

        request = AWSRequest(method='POST',
                             url='http://%s%s' % (self.headers['Host'], self.path),
                             data=body,
                             headers={h: self.headers[h] for h in signed})
        request.context['timestamp'] = self.headers['X-Amz-Date']

        signer = SigV4Auth(Credentials(ACCESS, SECRET, TOKEN), 'lambda', REGION)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical),
                                    request)

        checks = {
            'access_key': credential[0] == ACCESS,
            'region': credential[2] == REGION,
            'service': credential[3] == 'lambda',
            'token': TOKEN is None
                     or self.headers.get('X-Amz-Security-Token') == TOKEN,
            'signature': fields.get('Signature') == expected,
        }

        if not all(checks.values()):
            return self.answer(403, {
                'message': 'The request signature we calculated does not '
                           'match the signature you provided.',
                'checks': checks}, 'InvalidSignatureException')

        self.answer(200, {'statusCode': 200,
                          'body': json.dumps({'signed': sorted(signed),
                                              'path': self.path})})


ThreadingHTTPServer.allow_reuse_address = True
ThreadingHTTPServer(('127.0.0.1', int(PORT)), Handler).serve_forever()
