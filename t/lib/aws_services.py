#!/usr/bin/python3
"""A stand-in for the AWS services API Gateway's AWS integrations call
(SQS, Kinesis, Step Functions, DynamoDB, S3), which first checks each
request's SigV4 signature with botocore, an implementation independent of
the module's, then answers as the service's API does.

Usage: aws_services.py PORT ACCESS_KEY SECRET_KEY REGION

Every answer carries X-Test-Signed (the signed headers), X-Test-Service
(the credential scope's service) and X-Test-Target (X-Amz-Target), so a
test sees what was signed.  A bad signature is 403 with the service's
error.
"""

import base64
import hashlib
import json
import sys
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

PORT, ACCESS, SECRET, REGION = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
ACCOUNT = '123456789012'

TABLES = {}      # DynamoDB: table -> {key json: item}
OBJECTS = {}     # S3: (bucket, key) -> (content type, bytes)


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, body, ctype='application/x-amz-json-1.0',
               extra=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.send_header('X-Test-Signed', ';'.join(self.signed))
        self.send_header('X-Test-Service', self.service)
        self.send_header('X-Test-Target', self.headers.get('X-Amz-Target', ''))
        self.send_header('x-amzn-RequestId', str(uuid.uuid4()))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def error(self, status, code, message):
        if self.service == 'sqs':
            return self.answer(status,
                               '<ErrorResponse><Error><Type>Sender</Type>'
                               '<Code>%s</Code><Message>%s</Message></Error>'
                               '</ErrorResponse>' % (code, message),
                               'text/xml')
        return self.answer(status, {'__type': code, 'message': message})

    # --- SigV4 -----------------------------------------------------------

    def check_signature(self, body):
        auth = self.headers.get('Authorization', '')
        self.signed, self.service = [], ''
        try:
            fields = dict(part.strip().split('=', 1)
                          for part in auth[len('AWS4-HMAC-SHA256 '):].split(','))
            self.signed = fields['SignedHeaders'].split(';')
            credential = fields['Credential'].split('/')
            self.service = credential[3]
        except Exception:
            return 'missing or malformed Authorization'

        request = AWSRequest(method=self.command,
                             url='http://%s%s' % (self.headers['Host'],
                                                  self.path),
                             data=body,
                             headers={h: self.headers[h] for h in self.signed})
        request.context['timestamp'] = self.headers.get('X-Amz-Date', '')

        creds = Credentials(ACCESS, SECRET)
        if self.service == 's3':
            signer = S3SigV4Auth(creds, 's3', REGION)
            request.context['payload_signing_enabled'] = True
        else:
            signer = SigV4Auth(creds, self.service, REGION)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical),
                                    request)

        if credential[0] != ACCESS:
            return 'unknown access key'
        if credential[2] != REGION:
            return 'wrong region'
        if fields.get('Signature') != expected:
            return 'signature mismatch'
        if self.service == 's3' and self.headers.get('x-amz-content-sha256') \
                != hashlib.sha256(body).hexdigest():
            return 'x-amz-content-sha256 mismatch'
        return None

    # --- the services ----------------------------------------------------

    def handle_any(self):
        n = int(self.headers.get('Content-Length', 0))
        body = self.rfile.read(n) if n else b''

        why = self.check_signature(body)
        if why:
            return self.error(403, 'InvalidSignatureException',
                              'The request signature we calculated does not '
                              'match the signature you provided. (%s)' % why)

        handler = {'sqs': self.sqs, 'kinesis': self.kinesis,
                   'states': self.states, 'dynamodb': self.dynamodb,
                   's3': self.s3}.get(self.service)
        if handler is None:
            return self.error(400, 'UnknownService', self.service)
        return handler(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

    def json_action(self, prefix):
        target = self.headers.get('X-Amz-Target', '')
        if not target.startswith(prefix + '.'):
            return None
        return target[len(prefix) + 1:]

    def sqs(self, body):
        path, _, query = self.path.partition('?')
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        if body:
            params.update(urllib.parse.parse_qsl(body.decode(),
                                                 keep_blank_values=True))
        if params.get('Action') != 'SendMessage':
            return self.error(400, 'InvalidAction',
                              'The action %s is not valid for this endpoint.'
                              % params.get('Action'))
        queue = path if path != '/' else \
            urllib.parse.urlsplit(params.get('QueueUrl', '')).path
        if 'MessageBody' not in params:
            return self.error(400, 'MissingParameter',
                              'The request must contain the parameter '
                              'MessageBody.')
        md5 = hashlib.md5(params['MessageBody'].encode()).hexdigest()
        return self.answer(200,
                           '<SendMessageResponse><SendMessageResult>'
                           '<MD5OfMessageBody>%s</MD5OfMessageBody>'
                           '<MessageId>%s</MessageId></SendMessageResult>'
                           '<ResponseMetadata><RequestId>r</RequestId>'
                           '</ResponseMetadata></SendMessageResponse>'
                           % (md5, 'msg-' + queue.strip('/').replace('/', '-')),
                           'text/xml')

    def kinesis(self, body):
        action = self.json_action('Kinesis_20131202')
        doc = json.loads(body or b'{}')
        if action != 'PutRecord':
            return self.error(400, 'UnknownOperationException', str(action))
        if self.headers.get('Content-Type') != 'application/x-amz-json-1.1':
            return self.error(400, 'SerializationException', 'content type')
        try:
            data = base64.b64decode(doc['Data'], validate=True)
        except Exception:
            return self.error(400, 'SerializationException', 'Data')
        return self.answer(200, {
            'SequenceNumber': str(len(data)),
            'ShardId': 'shardId-000000000000',
            'StreamName': doc.get('StreamName'),
            'PartitionKey': doc.get('PartitionKey'),
        }, 'application/x-amz-json-1.1')

    def states(self, body):
        action = self.json_action('AWSStepFunctions')
        doc = json.loads(body or b'{}')
        if action != 'StartExecution':
            return self.error(400, 'UnknownOperationException', str(action))
        arn = doc.get('stateMachineArn', '')
        if not arn.startswith('arn:aws:states:'):
            return self.error(400, 'InvalidArn', 'Invalid Arn: ' + arn)
        json.loads(doc.get('input', '{}'))
        name = doc.get('name') or 'generated'
        return self.answer(200, {
            'executionArn': arn.replace(':stateMachine:', ':execution:')
                            + ':' + name,
            'startDate': 1700000000.5,
        })

    def dynamodb(self, body):
        action = self.json_action('DynamoDB_20120810')
        doc = json.loads(body or b'{}')
        table = TABLES.setdefault(doc.get('TableName', ''), {})
        if action == 'PutItem':
            item = doc['Item']
            key = json.dumps(item.get('id'), sort_keys=True)
            table[key] = item
            return self.answer(200, {})
        if action == 'GetItem':
            key = json.dumps(doc['Key'].get('id'), sort_keys=True)
            return self.answer(200, {'Item': table[key]} if key in table
                               else {})
        return self.error(400, 'UnknownOperationException', str(action))

    def s3(self, body):
        path = urllib.parse.unquote(self.path.partition('?')[0])
        bucket, _, key = path.lstrip('/').partition('/')
        if self.command == 'PUT':
            OBJECTS[(bucket, key)] = (self.headers.get('Content-Type', ''),
                                      body)
            etag = '"%s"' % hashlib.md5(body).hexdigest()
            return self.answer(200, b'', 'application/xml',
                               [('ETag', etag)])
        if self.command == 'GET':
            if (bucket, key) not in OBJECTS:
                return self.answer(404, '<Error><Code>NoSuchKey</Code>'
                                   '<Message>The specified key does not '
                                   'exist.</Message></Error>',
                                   'application/xml')
            ctype, data = OBJECTS[(bucket, key)]
            return self.answer(200, data, ctype or 'binary/octet-stream')
        return self.answer(405, b'', 'application/xml')


ThreadingHTTPServer.allow_reuse_address = True
ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(('127.0.0.1', int(PORT)), Handler).serve_forever()
