"""Self-tests of the local Lambda runtime (tools/lambda_runtime.py).

    /usr/bin/python3 -m unittest tools/test_lambda_runtime.py

Each class starts the runtime on port 0 with the handlers of t/lib/lambda
and talks to it over HTTP on 127.0.0.1.
"""

import base64
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNTIME = os.path.join(ROOT, 'tools', 'lambda_runtime.py')
LAMBDA = os.path.join(ROOT, 't', 'lib', 'lambda')
PYTHON = sys.executable or '/usr/bin/python3'


def lambda_file(name):
    return os.path.join(LAMBDA, name)


class RuntimeProcess:
    """The runtime as a subprocess; its stderr collected line by line."""

    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [PYTHON, RUNTIME, '--listen', '127.0.0.1:0'] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL, text=True)
        first = self.proc.stdout.readline()
        m = re.match(r'^listening on 127\.0\.0\.1:(\d+)$', first.strip())
        if m is None:
            self.proc.kill()
            raise RuntimeError('runtime did not start: %r %s' % (
                first, self.proc.stderr.read()))
        self.port = int(m.group(1))
        self.lines = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            with self.lock:
                self.lines.append(line.rstrip('\n'))

    def log(self):
        with self.lock:
            return list(self.lines)

    def wait_log(self, pattern, timeout=5):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.log():
                if re.search(pattern, line):
                    return line
            time.sleep(0.05)
        return None

    def request(self, method, path, body=b'', headers=None, timeout=30):
        conn = http.client.HTTPConnection('127.0.0.1', self.port,
                                          timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def invoke(self, name, event=None, raw=None, headers=None, query=''):
        body = raw if raw is not None else json.dumps(
            event if event is not None else {}).encode()
        return self.request('POST', '/2015-03-31/functions/%s/invocations%s'
                            % (name, query), body, headers)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(5)
        self.proc.stdout.close()
        self.proc.stderr.close()


class TestInvoke(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        misc = lambda_file('misc.py')
        cls.rt = RuntimeProcess(
            '--concurrency', '5',
            '--function', 'hello=%s:lambda_handler' % lambda_file('hello.py'),
            '--function', 'echo=%s:lambda_handler' % lambda_file('echo.py'),
            '--function', 'fail=%s:lambda_handler' % lambda_file('fail.py'),
            '--function', 'slow=%s:lambda_handler:1' % lambda_file('slow.py'),
            '--function', 'none=%s:returns_none' % misc,
            '--function', 'ctx=%s:context_fields' % misc,
            '--function', 'sleep=%s:sleep' % misc,
            '--function', 'counter=%s:counter' % misc,
            '--function', 'logs=%s:logs' % misc,
            '--function', 'marshal=%s:unserializable' % misc,
            '--function', 'exits=%s:exits' % misc,
            '--function', 'nohandler=%s:no_such_handler' % misc)

    @classmethod
    def tearDownClass(cls):
        cls.rt.stop()

    def assertInvoked(self, headers):
        self.assertEqual(headers.get('X-Amz-Executed-Version'), '$LATEST')
        self.assertRegex(headers.get('X-Amzn-RequestId', ''),
                         r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'
                         r'[0-9a-f]{12}$')

    def test_hello(self):
        status, headers, body = self.rt.invoke('hello', {'a': 1})
        self.assertEqual(status, 200)
        self.assertInvoked(headers)
        self.assertNotIn('X-Amz-Function-Error', headers)
        self.assertEqual(headers['Content-Type'], 'application/json')
        self.assertEqual(body,
                         b'{"statusCode": 200, "body": '
                         b'"\\"Hello from Lambda!\\""}')

    def test_echo(self):
        event = {'resource': '/pets', 'httpMethod': 'POST',
                 'body': '{"name": "Rex"}', 'nested': {'a': [1, 2, None]},
                 'unicode': 'h\u00e9llo \u20ac'}
        status, headers, body = self.rt.invoke('echo', event)
        self.assertEqual(status, 200)
        result = json.loads(body)
        self.assertEqual(result['statusCode'], 200)
        self.assertFalse(result['isBase64Encoded'])
        self.assertEqual(json.loads(result['body']), event)

    def test_empty_payload_is_an_empty_object(self):
        status, _, body = self.rt.invoke('echo', raw=b'')
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(json.loads(body)['body']), {})

    def test_returns_none(self):
        status, headers, body = self.rt.invoke('none')
        self.assertEqual(status, 200)
        self.assertInvoked(headers)
        self.assertEqual(body, b'null')

    def test_function_arn_and_qualifier(self):
        arn = 'arn:aws:lambda:us-east-1:123456789012:function:hello'
        for name, query in ((arn, ''), (arn.replace(':', '%3A'), ''),
                            (arn + ':$LATEST', ''), (arn + ':prod', ''),
                            ('hello', '?Qualifier=prod'),
                            (arn + ':prod', '?Qualifier=prod'),
                            ('123456789012:function:hello', '')):
            status, headers, body = self.rt.invoke(name, query=query)
            self.assertEqual(status, 200, name + query)
            self.assertInvoked(headers)

        status, headers, body = self.rt.invoke(arn + ':prod',
                                               query='?Qualifier=dev')
        self.assertEqual(status, 400)
        self.assertEqual(headers['X-Amzn-ErrorType'],
                         'InvalidParameterValueException')

        status, headers, body = self.rt.invoke('not%20a%20name%21')
        self.assertEqual(status, 400)
        self.assertEqual(headers['X-Amzn-ErrorType'], 'ValidationException')

    def test_invoked_function_arn(self):
        arn = 'arn:aws:lambda:us-east-1:123456789012:function:ctx'
        _, _, body = self.rt.invoke('ctx', query='?Qualifier=live')
        self.assertEqual(json.loads(body)['invoked_function_arn'],
                         arn + ':live')
        _, _, body = self.rt.invoke('ctx')
        self.assertEqual(json.loads(body)['invoked_function_arn'], arn)

    def test_unknown_function(self):
        status, headers, body = self.rt.invoke('nope')
        self.assertEqual(status, 404)
        self.assertEqual(headers['X-Amzn-ErrorType'],
                         'ResourceNotFoundException')
        self.assertEqual(json.loads(body), {
            'Type': 'User',
            'message': 'Function not found: arn:aws:lambda:us-east-1:'
                       '123456789012:function:nope'})
        status, headers, body = self.rt.invoke(
            'nope', headers={'X-Amz-Invocation-Type': 'DryRun'})
        self.assertEqual(status, 404)

    def test_invalid_json(self):
        for raw in (b'{', b'not json', b'\xff\xfe'):
            status, headers, body = self.rt.invoke('hello', raw=raw)
            self.assertEqual(status, 400, raw)
            self.assertEqual(headers['X-Amzn-ErrorType'],
                             'InvalidRequestContentException')
            msg = json.loads(body)
            self.assertEqual(msg['Type'], 'User')
            self.assertTrue(msg['message'].startswith(
                'Could not parse request body into json'))

    def test_invocation_types(self):
        status, headers, body = self.rt.invoke(
            'logs', headers={'X-Amz-Invocation-Type': 'Event'})
        self.assertEqual(status, 202)
        self.assertEqual(body, b'')
        rid = headers['X-Amzn-RequestId']
        self.assertIsNotNone(self.rt.wait_log(r'^END RequestId: %s$' % rid),
                             'the event invocation ran')

        status, headers, body = self.rt.invoke(
            'hello', headers={'X-Amz-Invocation-Type': 'DryRun'})
        self.assertEqual(status, 204)
        self.assertEqual(body, b'')
        rid = headers['X-Amzn-RequestId']
        time.sleep(0.2)
        self.assertFalse([l for l in self.rt.log() if rid in l],
                         'a dry run runs nothing')

        status, headers, body = self.rt.invoke(
            'hello', headers={'X-Amz-Invocation-Type': 'RequestResponse'})
        self.assertEqual(status, 200)

        status, headers, body = self.rt.invoke(
            'hello', headers={'X-Amz-Invocation-Type': 'Sometimes'})
        self.assertEqual(status, 400)
        self.assertEqual(headers['X-Amzn-ErrorType'], 'ValidationException')

    def test_context(self):
        cc = base64.b64encode(json.dumps(
            {'custom': {'k': 'v'}, 'client': {}, 'env': {}}).encode())
        status, headers, body = self.rt.invoke(
            'ctx', headers={'X-Amz-Client-Context': cc.decode()})
        self.assertEqual(status, 200)
        ctx = json.loads(body)
        self.assertEqual(ctx['aws_request_id'], headers['X-Amzn-RequestId'])
        self.assertEqual(ctx['function_name'], 'ctx')
        self.assertEqual(ctx['function_version'], '$LATEST')
        self.assertEqual(ctx['memory_limit_in_mb'], '128')
        self.assertEqual(ctx['log_group_name'], '/aws/lambda/ctx')
        self.assertRegex(ctx['log_stream_name'],
                         r'^\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}$')
        self.assertGreater(ctx['remaining_ms'], 2000)
        self.assertLessEqual(ctx['remaining_ms'], 3000)
        self.assertEqual(ctx['client_context_custom'], {'k': 'v'})
        self.assertEqual(ctx['env_function_name'], 'ctx')
        self.assertEqual(ctx['env_handler'], 'misc.context_fields')

    def test_unhandled_exception(self):
        status, headers, body = self.rt.invoke('fail', {'why': 'tests'})
        self.assertEqual(status, 200)
        self.assertInvoked(headers)
        self.assertEqual(headers['X-Amz-Function-Error'], 'Unhandled')
        err = json.loads(body)
        self.assertEqual(list(err),
                         ['errorMessage', 'errorType', 'requestId',
                          'stackTrace'])
        self.assertEqual(err['errorMessage'], 'something went wrong: tests')
        self.assertEqual(err['errorType'], 'ValueError')
        self.assertEqual(err['requestId'], headers['X-Amzn-RequestId'])
        self.assertEqual(len(err['stackTrace']), 1)
        self.assertRegex(err['stackTrace'][0],
                         r'^  File ".*fail\.py", line \d+, in lambda_handler'
                         r'\n    raise ValueError')
        self.assertNotIn('lambda_runtime', ''.join(err['stackTrace']))

    def test_runtime_errors(self):
        status, headers, body = self.rt.invoke('marshal')
        self.assertEqual(headers['X-Amz-Function-Error'], 'Unhandled')
        err = json.loads(body)
        self.assertEqual(err['errorType'], 'Runtime.MarshalError')
        self.assertTrue(err['errorMessage'].startswith(
            'Unable to marshal response: '))

        status, headers, body = self.rt.invoke('nohandler')
        err = json.loads(body)
        self.assertEqual(err['errorType'], 'Runtime.HandlerNotFound')
        self.assertEqual(err['errorMessage'],
                         "Handler 'no_such_handler' missing on module 'misc'")

    def test_exit_is_survived(self):
        status, headers, body = self.rt.invoke('exits')
        self.assertEqual(status, 200)
        self.assertEqual(headers['X-Amz-Function-Error'], 'Unhandled')
        rid = headers['X-Amzn-RequestId']
        self.assertEqual(json.loads(body), {
            'errorType': 'Runtime.ExitError',
            'errorMessage': 'RequestId: %s Error: Runtime exited with '
                            'error: exit status 3' % rid})
        self.assertEqual(self.rt.invoke('hello')[0], 200)

    def test_timeout(self):
        t = time.monotonic()
        status, headers, body = self.rt.invoke('slow')
        elapsed = time.monotonic() - t
        self.assertEqual(status, 200)
        self.assertInvoked(headers)
        self.assertEqual(headers['X-Amz-Function-Error'], 'Unhandled')
        rid = headers['X-Amzn-RequestId']
        self.assertRegex(
            body.decode(),
            r'^\{"errorMessage":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z '
            + rid + r' Task timed out after 1\.00 seconds"\}$')
        self.assertGreaterEqual(elapsed, 1.0)
        self.assertLess(elapsed, 3.0)
        self.assertIsNotNone(self.rt.wait_log(
            r'^\S+ %s Task timed out after 1\.00 seconds$' % rid))
        self.assertIsNotNone(self.rt.wait_log(
            r'^REPORT RequestId: %s\tDuration: ' % rid))

        # the stuck worker is gone; the runtime goes on
        self.assertEqual(self.rt.invoke('hello')[0], 200)
        status, headers, body = self.rt.invoke('slow', {'seconds': 0.1})
        self.assertEqual(status, 200)
        self.assertNotIn('X-Amz-Function-Error', headers)
        self.assertEqual(json.loads(body)['body'], 'woke up')

    def test_concurrency(self):
        results = [None] * 5

        def call(i):
            results[i] = self.rt.invoke('sleep', {'seconds': 1})

        # warm the workers first, so that imports do not count
        threads = [threading.Thread(target=call, args=(i,)) for i in range(5)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()

        t = time.monotonic()
        threads = [threading.Thread(target=call, args=(i,)) for i in range(5)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.monotonic() - t

        self.assertTrue(all(r[0] == 200 for r in results), results)
        pids = {json.loads(r[2])['pid'] for r in results}
        self.assertEqual(len(pids), 5, 'five workers at once')
        self.assertLess(elapsed, 2.5, 'in parallel, not one after another')

    def test_warm_start(self):
        first = json.loads(self.rt.invoke('counter')[2])
        second = json.loads(self.rt.invoke('counter')[2])
        self.assertEqual(second['pid'], first['pid'])
        self.assertEqual(second['loaded_at'], first['loaded_at'],
                         'the module is loaded once')
        self.assertEqual(second['count'], first['count'] + 1)

    def test_logs(self):
        status, headers, body = self.rt.invoke('logs')
        self.assertEqual(body, b'"logged"')
        rid = headers['X-Amzn-RequestId']
        self.assertIsNotNone(self.rt.wait_log('^REPORT RequestId: ' + rid))
        lines = [l for l in self.rt.log() if rid in l]
        self.assertEqual(lines[0], 'START RequestId: %s Version: $LATEST'
                         % rid)
        self.assertIn('%s\tprinted line one' % rid, lines)
        self.assertIn('%s\tprinted line two' % rid, lines)
        self.assertTrue([l for l in lines if re.match(
            r'^\[WARNING\]\t\S+Z\t%s\ta logged warning$' % rid, l)], lines)
        self.assertEqual(lines[-2], 'END RequestId: ' + rid)
        self.assertRegex(lines[-1],
                         r'^REPORT RequestId: %s\tDuration: [\d.]+ ms\t'
                         r'Billed Duration: \d+ ms\tMemory Size: 128 MB\t'
                         r'Max Memory Used: \d+ MB' % rid)

    def test_bad_requests(self):
        status, headers, _ = self.rt.request('GET', '/2015-03-31/functions/'
                                             'hello/invocations')
        self.assertEqual(status, 404)
        self.assertEqual(headers['X-Amzn-ErrorType'],
                         'UnknownOperationException')
        status, _, _ = self.rt.request('POST', '/elsewhere', b'{}')
        self.assertEqual(status, 404)

        # chunked request bodies are read
        conn = http.client.HTTPConnection('127.0.0.1', self.rt.port,
                                          timeout=10)
        conn.request('POST', '/2015-03-31/functions/echo/invocations',
                     body=iter([b'{"chun', b'ked": true}']),
                     encode_chunked=True)
        resp = conn.getresponse()
        self.assertEqual(json.loads(json.loads(resp.read())['body']),
                         {'chunked': True})
        conn.close()

        # garbage, a broken Content-Length, a client that goes away
        for raw in (b'\x00\x01garbage\r\n\r\n',
                    b'POST /2015-03-31/functions/hello/invocations HTTP/1.1'
                    b'\r\nContent-Length: -5\r\n\r\n',
                    b'POST /2015-03-31/functions/hello/invocations HTTP/1.1'
                    b'\r\nContent-Length: 100\r\n\r\n{"a"'):
            s = socket.create_connection(('127.0.0.1', self.rt.port), 5)
            s.sendall(raw)
            s.shutdown(socket.SHUT_WR)
            try:
                s.recv(4096)
            except OSError:
                pass
            s.close()

        # over 6 MB: refused before the body is read
        s = socket.create_connection(('127.0.0.1', self.rt.port), 5)
        s.sendall(b'POST /2015-03-31/functions/hello/invocations HTTP/1.1'
                  b'\r\nContent-Length: %d\r\n\r\n' % (6 * 1024 * 1024 + 1))
        reply = s.makefile('rb').read()
        s.close()
        self.assertTrue(reply.startswith(b'HTTP/1.1 413 '), reply)
        self.assertIn(b'X-Amzn-ErrorType: RequestEntityTooLargeException',
                      reply)

        self.assertEqual(self.rt.invoke('hello')[0], 200)
        self.assertIsNone(self.rt.proc.poll())

    def test_keep_alive(self):
        conn = http.client.HTTPConnection('127.0.0.1', self.rt.port,
                                          timeout=10)
        for _ in range(3):
            conn.request('POST', '/2015-03-31/functions/hello/invocations',
                         body=b'{}')
            resp = conn.getresponse()
            self.assertEqual(resp.status, 200)
            resp.read()
        conn.close()


class TestDirAndSignals(unittest.TestCase):

    def test_dir(self):
        rt = RuntimeProcess('--dir', LAMBDA, '--concurrency', '1')
        try:
            for name in ('hello', 'echo', 'fail'):
                status, headers, _ = rt.invoke(name)
                self.assertEqual(status, 200, name)
            self.assertEqual(
                rt.invoke('fail')[1].get('X-Amz-Function-Error'),
                'Unhandled')
            # misc.py has no lambda_handler
            self.assertEqual(rt.invoke('misc')[0], 404)
        finally:
            rt.stop()
        self.assertEqual(rt.proc.returncode, 0)

    def test_sigterm_exits_cleanly(self):
        rt = RuntimeProcess('--function', 'slow=%s:lambda_handler:30'
                            % lambda_file('slow.py'), '--concurrency', '2')
        result = []

        def call():
            try:
                result.append(rt.invoke('slow', {'seconds': 30})[0])
            except Exception as e:
                result.append(e)

        th = threading.Thread(target=call, daemon=True)
        th.start()
        self.assertIsNotNone(rt.wait_log(r'\tgoing to sleep$'))

        children = subprocess.run(
            ['ps', '-o', 'pid=', '--ppid', str(rt.proc.pid)],
            capture_output=True, text=True).stdout.split()
        self.assertGreaterEqual(len(children), 2)

        t = time.monotonic()
        rt.proc.send_signal(signal.SIGTERM)
        self.assertEqual(rt.proc.wait(10), 0)
        self.assertLess(time.monotonic() - t, 5)
        rt.stop()

        time.sleep(0.2)
        for pid in children:
            self.assertFalse(os.path.exists('/proc/%s' % pid)
                             and 'Z' not in _proc_state(pid),
                             'worker %s is gone' % pid)

    def test_bad_arguments(self):
        for args in (['--function', 'x=/no/such/file.py:h'],
                     ['--function', 'bad'],
                     [],
                     ['--dir', '/no/such/dir']):
            p = subprocess.run([PYTHON, RUNTIME, '--listen', '127.0.0.1:0']
                               + args, capture_output=True, text=True,
                               timeout=30)
            self.assertEqual(p.returncode, 2, args)
            self.assertEqual(p.stdout, '')


def _proc_state(pid):
    try:
        with open('/proc/%s/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0]
    except OSError:
        return 'gone'


if __name__ == '__main__':
    unittest.main()
