#!/usr/bin/env python3
#
# Copyright (C) ngx_http_apigw_module authors
#
# Seeds the corpora of fuzz_jwt, fuzz_sigv4 and fuzz_policy from the unit
# tests' data: the tokens and key set of t/unit/jws_vectors.h, the requests
# of AWS's SigV4 test suite (each as an Authorization header and as a
# presigned query, both signed with the suite's secret) and the policy
# documents of t/unit/test_policy.c.
#
#   seed_auth.py OUT SIGV4_SUITE
#
# The input formats are those the targets' header comments describe.

import base64
import hashlib
import hmac
import json
import os
import re
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
UNIT = os.path.join(HERE, '..', 'unit')

AK = 'AKIDEXAMPLE'
SK = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'


def c_strings(path):
    """name -> value of each 'static const char name[] = "..." "...";'"""
    text = open(path, encoding='utf-8').read()
    out = {}
    for m in re.finditer(r'static const char\s+(\w+)\[\]\s*=\s*((?:\s*"'
                         r'(?:[^"\\]|\\.)*")+)\s*;', text):
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2))
        out[m.group(1)] = ''.join(parts).encode().decode('unicode_escape')
    return out


def c_literals(path):
    """every concatenated C string literal of a file"""
    text = open(path, encoding='utf-8').read()
    # the ARN macro between literals, as test_policy.c defines it
    text = re.sub(r'\bARN\b(?=\s*")',
                  '"arn:aws:execute-api:us-east-1:123456789012:abcdef123/"',
                  text)
    out = []
    for m in re.finditer(r'((?:"(?:[^"\\\n]|\\.)*"\s*)+)', text):
        parts = re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(1))
        out.append(''.join(parts).encode().decode('unicode_escape'))
    return out


def write(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def seed_jwt(out):
    v = c_strings(os.path.join(UNIT, 'jws_vectors.h'))
    d = os.path.join(out, 'corpus-jwt')
    for name, value in v.items():
        if name == 'vec_jwks':
            write(d, 'jwks', b'\x02' + value.encode())
            continue
        for mode in (0x00, 0x3c, 0xfd, 0x75):
            write(d, '%s-%02x' % (name, mode), bytes([mode]) + value.encode())
        write(d, name + '-b64', b'\x03' + value.split('.')[1].encode())
        # the same token as its decoded parts, for mode 1
        parts = [base64.urlsafe_b64decode(p + '=' * (-len(p) % 4))
                 for p in value.split('.')]
        for mode in (0x01, 0x3d, 0xfd, 0x75):
            write(d, '%s-json-%02x' % (name, mode),
                  bytes([mode]) + b'\n'.join(parts))


def sign(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signing_key(date, region, service):
    k = sign(('AWS4' + SK).encode(), date)
    k = sign(k, region)
    k = sign(k, service)
    return sign(k, 'aws4_request')


def enc(s):
    return urllib.parse.quote(s, safe='-_.~')


def presigned_seed(case):
    """the case as a presigned GET: host signed, its query kept"""
    req = case['request']
    host = [v for n, v in req['headers'] if n.lower() == 'host'][0]
    amz = case['x_amz_date']
    scope = '%s/%s/%s/aws4_request' % (amz[:8], case['region'],
                                       case['service'])
    path = req.get('path') or '/'
    params = []
    if req.get('query'):
        for p in req['query'].split('&'):
            k, _, v = p.partition('=')
            params.append((k, v))
    params += [('X-Amz-Algorithm', 'AWS4-HMAC-SHA256'),
               ('X-Amz-Credential', enc(AK + '/' + scope)),
               ('X-Amz-Date', amz), ('X-Amz-Expires', '86400'),
               ('X-Amz-SignedHeaders', 'host')]
    canon_q = '&'.join('%s=%s' % kv for kv in
                       sorted((enc(urllib.parse.unquote(k)),
                               enc(urllib.parse.unquote(v)))
                              for k, v in params))
    creq = '\n'.join(['GET', enc_path(path), canon_q, 'host:' + host, '',
                      'host', hashlib.sha256(b'').hexdigest()])
    sts = '\n'.join(['AWS4-HMAC-SHA256', amz, scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    sig = hmac.new(signing_key(amz[:8], case['region'], case['service']),
                   sts.encode(), hashlib.sha256).hexdigest()
    query = '&'.join('%s=%s' % kv for kv in params)
    query += '&X-Amz-Signature=' + sig
    return 'GET', path + '?' + query, [('Host', host)]


def enc_path(path):
    return '/'.join(enc(urllib.parse.unquote(s)) for s in path.split('/'))


def sigv4_input(mode, authorization, date, method, target, headers):
    lines = [authorization, date, method, target]
    lines += ['%s:%s' % (n, v.replace('\n', ' ')) for n, v in headers]
    return bytes([mode]) + '\n'.join(lines).encode()


def seed_sigv4(out, suite):
    d = os.path.join(out, 'corpus-sigv4')
    doc = json.load(open(suite, encoding='utf-8'))
    for i, case in enumerate(doc['cases'] + doc['extra_cases']):
        req = case['request']
        target = req.get('raw_request_target')
        if target is None:
            u = urllib.parse.urlsplit(req['url'])
            target = u.path + ('?' + u.query if u.query else '')
        auth = case['expected']['authorization']
        write(d, 'header-%02d' % i,
              sigv4_input(0, auth, case['x_amz_date'], req['method'],
                          target, req['headers']))
        write(d, 'header-nodate-%02d' % i,
              sigv4_input(1, auth, '', req['method'], target,
                          req['headers']))
        if req['method'] == 'GET':
            method, target, headers = presigned_seed(case)
            write(d, 'query-%02d' % i,
                  sigv4_input(2, '', '', method, target, headers))
    write(d, 'http-date',
          sigv4_input(4, doc['cases'][0]['expected']['authorization'],
                      'Sun, 30 Aug 2015 12:36:00 GMT', 'GET', '/',
                      [('Host', 'example.amazonaws.com'),
                       ('Date', 'Sun, 30 Aug 2015 12:36:00 GMT')]))


def seed_policy(out):
    d = os.path.join(out, 'corpus-policy')
    n = 0
    for s in c_literals(os.path.join(UNIT, 'test_policy.c')):
        s = s.strip()
        if not s.startswith(('{', '"{')):
            continue
        for mode in (0, 1):
            write(d, 'policy-%03d' % n, bytes([mode]) + s.encode())
            n += 1


if __name__ == '__main__':
    seed_jwt(sys.argv[1])
    seed_sigv4(sys.argv[1], sys.argv[2])
    seed_policy(sys.argv[1])
