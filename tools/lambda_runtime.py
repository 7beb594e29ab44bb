#!/usr/bin/python3
"""A local AWS Lambda: serves Lambda's Invoke API for Python handler files.

    python3 tools/lambda_runtime.py --listen 127.0.0.1:9001 \\
        --function hello=t/lib/lambda/hello.py:lambda_handler \\
        --function slow=t/lib/lambda/slow.py:lambda_handler:1

    curl -d '{"a":1}' \\
        http://127.0.0.1:9001/2015-03-31/functions/hello/invocations

Each invocation runs in a worker process of a pool (--concurrency); a
worker imports a function's module once and keeps it (warm starts), and a
worker whose handler outlives its timeout is killed and replaced.  Python
standard library only.  See tools/README.md.
"""

import argparse
import ast
import base64
import datetime
import importlib.util
import io
import json
import logging
import math
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import traceback
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_TIMEOUT = 3
DEFAULT_MEMORY = 128
INIT_TIMEOUT = 10
MAX_PAYLOAD = 6 * 1024 * 1024
VERSION = '$LATEST'

INVOKE_PATH = re.compile(r'^/2015-03-31/functions/([^/]+)/invocations/?$')
FUNCTION_ARN = re.compile(
    r'^(?:arn:(?P<partition>[a-z-]+):lambda:(?P<region>[a-z0-9-]+):'
    r'(?P<account>\d{12}):function:|(?P<account2>\d{12}):function:)?'
    r'(?P<name>[A-Za-z0-9_-]{1,64})'
    r'(?::(?P<qualifier>\$LATEST|[A-Za-z0-9_-]+))?$')

_log_lock = threading.Lock()


def log(line):
    """One line to the runtime's stderr, whole."""
    with _log_lock:
        sys.stderr.write(line + '\n')
        sys.stderr.flush()


def iso_now():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (
        now.microsecond // 1000)


# -------------------------------------------------------------------------
# the worker process: imports handler modules once, runs invocations

class LambdaContext:
    """The context object of Lambda's Python runtime."""

    def __init__(self, job, deadline):
        self.aws_request_id = job['request_id']
        self.function_name = job['name']
        self.function_version = VERSION
        self.invoked_function_arn = job['invoked_arn']
        self.memory_limit_in_mb = str(job['memory'])
        self.log_group_name = job['log_group']
        self.log_stream_name = job['log_stream']
        self.identity = None
        self.client_context = None
        if job.get('client_context') is not None:
            self.client_context = ClientContext(job['client_context'])
        self._deadline = deadline

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))

    def __repr__(self):
        return ('LambdaContext([aws_request_id=%s,log_group_name=%s,'
                'log_stream_name=%s,function_name=%s,memory_limit_in_mb=%s,'
                'function_version=%s,invoked_function_arn=%s,'
                'client_context=%s,identity=%s])' % (
                    self.aws_request_id, self.log_group_name,
                    self.log_stream_name, self.function_name,
                    self.memory_limit_in_mb, self.function_version,
                    self.invoked_function_arn, self.client_context,
                    self.identity))


class ClientContext:
    def __init__(self, data):
        self.client = data.get('client')
        self.custom = data.get('custom')
        self.env = data.get('env')

    def __repr__(self):
        return 'ClientContext(%r)' % {'client': self.client,
                                      'custom': self.custom,
                                      'env': self.env}


class _Current:
    request_id = ''


class _PrefixWriter(io.TextIOBase):
    """sys.stdout of a handler: each line to stderr, after the request id."""

    def __init__(self, out):
        self._out = out
        self._buf = ''

    def writable(self):
        return True

    def write(self, s):
        self._buf += s
        while '\n' in self._buf:
            line, self._buf = self._buf.split('\n', 1)
            self._out.write('%s\t%s\n' % (_Current.request_id, line))
        self._out.flush()
        return len(s)

    def flush(self):
        if self._buf:
            self._out.write('%s\t%s\n' % (_Current.request_id, self._buf))
            self._buf = ''
        self._out.flush()


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _Current.request_id
        return True


def _setup_worker_logging():
    err = sys.__stderr__
    sys.stdout = _PrefixWriter(err)

    # Lambda's Python runtime: [LEVEL] time request-id message
    handler = logging.StreamHandler(err)
    formatter = logging.Formatter(
        '[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t'
        '%(message)s', '%Y-%m-%dT%H:%M:%S')
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(_RequestIdFilter())
    logging.getLogger().addHandler(handler)


def _user_frames(tb):
    """The traceback without the runtime's own frames."""
    here = os.path.abspath(__file__)
    return [f for f in traceback.extract_tb(tb)
            if os.path.abspath(f.filename) != here]


def _error(message, etype, request_id, stack=None):
    return {'errorMessage': message, 'errorType': etype,
            'requestId': request_id, 'stackTrace': stack or []}


def _load_module(path):
    """Imports a handler file as Lambda does: by its name, its folder first
    on sys.path (the "task root")."""
    name = os.path.splitext(os.path.basename(path))[0]
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None:
        raise ImportError('No module named %r' % name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def _set_environment(job):
    os.environ.update({
        'AWS_LAMBDA_FUNCTION_NAME': job['name'],
        'AWS_LAMBDA_FUNCTION_VERSION': VERSION,
        'AWS_LAMBDA_FUNCTION_MEMORY_SIZE': str(job['memory']),
        'AWS_LAMBDA_FUNCTION_TIMEOUT': str(job['timeout']),
        'AWS_LAMBDA_LOG_GROUP_NAME': job['log_group'],
        'AWS_LAMBDA_LOG_STREAM_NAME': job['log_stream'],
        'AWS_REGION': job['region'],
        'AWS_DEFAULT_REGION': job['region'],
        'AWS_EXECUTION_ENV': 'AWS_Lambda_python%d.%d' % sys.version_info[:2],
        'LAMBDA_TASK_ROOT': os.path.dirname(os.path.abspath(job['path'])),
        '_HANDLER': '%s.%s' % (
            os.path.splitext(os.path.basename(job['path']))[0],
            job['handler']),
    })


def _max_memory_mb():
    try:
        import resource
        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    except Exception:
        return 0


def _run_job(conn, modules, job):
    rid = job['request_id']
    _Current.request_id = rid
    _set_environment(job)
    err = sys.__stderr__
    err.write('START RequestId: %s Version: %s\n' % (rid, VERSION))
    err.flush()

    start = time.monotonic()
    init_ms = None
    module = modules.get(job['path'])
    module_name = os.path.splitext(os.path.basename(job['path']))[0]
    error = None

    if module is None:
        try:
            module = _load_module(job['path'])
            modules[job['path']] = module
        except SyntaxError as e:
            error = _error("Syntax error in module '%s': %s" % (module_name,
                                                               e),
                           'Runtime.UserCodeSyntaxError', rid,
                           ['  File "%s" Line %s\n        %s\n' % (
                               e.filename, e.lineno, (e.text or '').strip())])
        except Exception as e:
            error = _error("Unable to import module '%s': %s" % (module_name,
                                                                e),
                           'Runtime.ImportModuleError', rid)
        init_ms = (time.monotonic() - start) * 1000

    conn.send(('init',))

    handler = None
    if error is None:
        handler = getattr(module, job['handler'], None)
        if handler is None:
            error = _error("Handler '%s' missing on module '%s'" % (
                job['handler'], module_name), 'Runtime.HandlerNotFound', rid)

    body = None
    started = time.monotonic()
    if error is None:
        event = json.loads(job['event'])
        context = LambdaContext(job, started + job['timeout'])
        try:
            result = handler(event, context)
        except Exception:
            etype, value, tb = sys.exc_info()
            frames = _user_frames(tb)
            error = _error(str(value), etype.__name__, rid,
                           traceback.format_list(frames))
            # what the runtime logs: one record for the whole traceback
            lines = ['[ERROR] %s: %s' % (etype.__name__, value),
                     'Traceback (most recent call last):']
            lines += [s.rstrip('\n') for s in error['stackTrace']]
            err.write('%s\t%s\n' % (rid, '\n'.join(lines)))
        else:
            try:
                body = json.dumps(result)
            except (TypeError, ValueError) as e:
                error = _error('Unable to marshal response: %s' % e,
                               'Runtime.MarshalError', rid)

    if error is not None:
        body = json.dumps(error)
    sys.stdout.flush()

    duration = (time.monotonic() - started) * 1000
    report = ('REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d '
              'ms\tMemory Size: %s MB\tMax Memory Used: %d MB' % (
                  rid, duration, max(1, math.ceil(duration)), job['memory'],
                  _max_memory_mb()))
    if init_ms is not None:
        report += '\tInit Duration: %.2f ms' % init_ms
    err.write('END RequestId: %s\n%s\n' % (rid, report))
    err.flush()
    _Current.request_id = ''

    conn.send(('result', body, error is not None))


def worker_main(conn):
    """A worker process: runs the invocations the runtime sends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _setup_worker_logging()
    modules = {}
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        _run_job(conn, modules, job)


# -------------------------------------------------------------------------
# the runtime: functions, workers, the HTTP API

class Function:
    def __init__(self, name, path, handler, timeout, memory):
        self.name = name
        self.path = os.path.abspath(path)
        self.handler = handler
        self.timeout = timeout
        self.memory = memory


class Worker:
    def __init__(self, mp):
        self.conn, child = mp.Pipe()
        self.proc = mp.Process(target=worker_main, args=(child,), daemon=True)
        self.proc.start()
        child.close()
        self.warm = set()
        self.stream = '%s/[%s]%s' % (time.strftime('%Y/%m/%d', time.gmtime()),
                                     VERSION, uuid.uuid4().hex)

    def kill(self):
        try:
            self.proc.kill()
            self.proc.join(5)
        except Exception:
            pass
        try:
            self.conn.close()
        except Exception:
            pass


class Pool:
    """Workers of which an idle one, warm for the function if any, runs
    each invocation; a caller waits while all are busy."""

    def __init__(self, size):
        self.mp = multiprocessing.get_context('spawn')
        self.cond = threading.Condition()
        self.idle = [Worker(self.mp) for _ in range(size)]
        self.all = set(self.idle)
        self.closed = False

    def acquire(self, name):
        with self.cond:
            while not self.idle and not self.closed:
                self.cond.wait()
            if self.closed:
                return None
            for i in range(len(self.idle) - 1, -1, -1):
                if name in self.idle[i].warm:
                    return self.idle.pop(i)
            return self.idle.pop()

    def release(self, worker):
        with self.cond:
            if self.closed:
                worker.kill()
                return
            self.idle.append(worker)
            self.cond.notify()

    def replace(self, worker):
        """Kills a worker (timed out, crashed) and starts a cold one."""
        worker.kill()
        with self.cond:
            self.all.discard(worker)
            if self.closed:
                return
        fresh = Worker(self.mp)
        with self.cond:
            self.all.add(fresh)
        self.release(fresh)     # kills it if the pool closed meanwhile

    def close(self):
        with self.cond:
            self.closed = True
            workers = list(self.all)
            self.cond.notify_all()
        for w in workers:
            w.kill()


class Runtime:
    def __init__(self, functions, concurrency, region, account):
        self.functions = functions
        self.region = region
        self.account = account
        self.pool = Pool(concurrency)

    def arn(self, name, qualifier=None):
        arn = 'arn:aws:lambda:%s:%s:function:%s' % (self.region,
                                                     self.account, name)
        return arn + (':' + qualifier if qualifier else '')

    def invoke(self, fn, rid, event, invoked_arn, client_context=None):
        """Returns (body, function error) as Lambda's Invoke does."""
        worker = self.pool.acquire(fn.name)
        if worker is None:
            return json.dumps(_error('the runtime is shutting down',
                                     'Runtime.Unavailable', rid)), True
        job = {
            'request_id': rid, 'name': fn.name, 'path': fn.path,
            'handler': fn.handler, 'timeout': fn.timeout,
            'memory': fn.memory, 'region': self.region,
            'invoked_arn': invoked_arn, 'event': event,
            'log_group': '/aws/lambda/' + fn.name,
            'log_stream': worker.stream,
            'client_context': client_context,
        }
        start = time.monotonic()
        try:
            worker.conn.send(job)
            if not worker.conn.poll(INIT_TIMEOUT):
                self.pool.replace(worker)
                return self._timeout(fn, rid, start, INIT_TIMEOUT), True
            worker.conn.recv()
            worker.warm.add(fn.name)
            start = time.monotonic()
            if not worker.conn.poll(fn.timeout):
                self.pool.replace(worker)
                return self._timeout(fn, rid, start, fn.timeout), True
            _, body, failed = worker.conn.recv()
        except (EOFError, OSError):
            worker.proc.join(2)
            code = worker.proc.exitcode
            self.pool.replace(worker)
            status = ('signal: %s' % signal.Signals(-code).name.lower()
                      if code is not None and code < 0
                      else 'exit status %s' % code)
            message = ('RequestId: %s Error: Runtime exited with error: %s'
                       % (rid, status))
            log(message)
            return json.dumps({'errorType': 'Runtime.ExitError',
                               'errorMessage': message}), True
        self.pool.release(worker)
        return body, failed

    def _timeout(self, fn, rid, start, seconds):
        message = '%s %s Task timed out after %.2f seconds' % (iso_now(), rid,
                                                              seconds)
        duration = (time.monotonic() - start) * 1000
        log(message)
        log('END RequestId: %s' % rid)
        log('REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms'
            '\tMemory Size: %s MB\tMax Memory Used: 0 MB' % (
                rid, duration, math.ceil(duration), fn.memory))
        return json.dumps({'errorMessage': message}, separators=(',', ':'))


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'lambda-runtime'
    runtime = None
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            log('%s - %s' % (self.address_string(), fmt % args))

    def _send(self, status, body=b'', headers=None):
        if isinstance(body, str):
            body = body.encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if body and self.command != 'HEAD':
            self.wfile.write(body)

    def _client_error(self, status, etype, message, rid, extra=None):
        body = json.dumps({'Type': 'User', 'message': message},
                          separators=(',', ':'))
        headers = {'X-Amzn-RequestId': rid, 'X-Amzn-ErrorType': etype}
        headers.update(extra or {})
        self._send(status, body, headers)

    def _read_body(self):
        if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
            chunks, size = [], 0
            while True:
                line = self.rfile.readline(65537)
                n = int(line.split(b';', 1)[0].strip() or b'0', 16)
                if n == 0:
                    while self.rfile.readline(65537) not in (b'\r\n', b'\n',
                                                             b''):
                        pass
                    return b''.join(chunks)
                size += n
                if size > MAX_PAYLOAD:
                    raise OverflowError()
                chunks.append(self.rfile.read(n))
                self.rfile.readline(65537)
        length = int(self.headers.get('Content-Length') or 0)
        if length < 0:
            raise ValueError('negative Content-Length')
        if length > MAX_PAYLOAD:
            raise OverflowError()
        return self.rfile.read(length)

    def do_POST(self):
        rid = str(uuid.uuid4())
        try:
            self._invoke(rid)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:
            log('%s\tinternal error\n%s' % (rid, traceback.format_exc()))
            self.close_connection = True
            try:
                self._client_error(500, 'ServiceException',
                                   'The local runtime failed', rid)
            except Exception:
                pass

    def _unknown(self):
        rid = str(uuid.uuid4())
        self.close_connection = True
        self._client_error(404, 'UnknownOperationException',
                           'Unknown operation %s %s' % (self.command,
                                                        self.path), rid)

    do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = _unknown

    def _invoke(self, rid):
        rt = self.runtime
        url = urllib.parse.urlsplit(self.path)
        m = INVOKE_PATH.match(url.path)
        if m is None:
            try:
                self._read_body()
            except Exception:
                pass
            return self._unknown()

        try:
            payload = self._read_body()
        except OverflowError:
            self.close_connection = True
            return self._client_error(
                413, 'RequestEntityTooLargeException',
                'Request must be smaller than %d bytes for the '
                'InvokeFunction operation' % MAX_PAYLOAD, rid)
        except ValueError:
            self.close_connection = True
            return self._client_error(400, 'InvalidRequestContentException',
                                      'Could not read the request body', rid)

        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        qualifier = query.get('Qualifier', [None])[0]

        fname = urllib.parse.unquote(m.group(1))
        arn = FUNCTION_ARN.match(fname)
        if arn is None:
            return self._client_error(
                400, 'ValidationException',
                "1 validation error detected: Value '%s' at 'functionName' "
                "failed to satisfy constraint: Member must satisfy regular "
                "expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?"
                "([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?"
                "([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?"
                % fname, rid)
        name = arn.group('name')
        if arn.group('qualifier'):
            if qualifier is not None and qualifier != arn.group('qualifier'):
                return self._client_error(
                    400, 'InvalidParameterValueException',
                    'The derived qualifier from the function name does not '
                    'match the specified qualifier.', rid)
            qualifier = arn.group('qualifier')

        fn = rt.functions.get(name)
        if fn is None:
            return self._client_error(
                404, 'ResourceNotFoundException',
                'Function not found: %s' % rt.arn(name, qualifier), rid)

        itype = self.headers.get('X-Amz-Invocation-Type', 'RequestResponse')
        if itype not in ('RequestResponse', 'Event', 'DryRun'):
            return self._client_error(
                400, 'ValidationException',
                "1 validation error detected: Value '%s' at "
                "'invocationType' failed to satisfy constraint: Member must "
                "satisfy enum value set: [Event, RequestResponse, DryRun]"
                % itype, rid)

        try:
            text = payload.decode('utf-8') if payload.strip() else '{}'
            json.loads(text)
        except (UnicodeDecodeError, ValueError) as e:
            return self._client_error(
                400, 'InvalidRequestContentException',
                'Could not parse request body into json: Could not parse '
                'payload into json: %s' % e, rid)

        client_context = None
        cc = self.headers.get('X-Amz-Client-Context')
        if cc:
            try:
                client_context = json.loads(base64.b64decode(cc))
                if not isinstance(client_context, dict):
                    raise ValueError('not an object')
            except Exception:
                return self._client_error(
                    400, 'InvalidRequestContentException',
                    'Client context must be a valid Base64-encoded JSON '
                    'object.', rid)

        headers = {'X-Amzn-RequestId': rid, 'X-Amz-Executed-Version': VERSION}
        invoked_arn = rt.arn(name, qualifier)

        if itype == 'DryRun':
            return self._send(204, b'', headers)

        if itype == 'Event':
            threading.Thread(target=rt.invoke, daemon=True,
                             args=(fn, rid, text, invoked_arn,
                                   client_context)).start()
            return self._send(202, b'', headers)

        body, failed = rt.invoke(fn, rid, text, invoked_arn, client_context)
        if failed:
            headers['X-Amz-Function-Error'] = 'Unhandled'
        self._send(200, body, headers)


# -------------------------------------------------------------------------
# command line

def _defines_lambda_handler(path):
    try:
        with open(path, 'rb') as f:
            tree = ast.parse(f.read(), path)
    except (OSError, SyntaxError, ValueError):
        return False
    for node in tree.body:
        if (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and node.name == 'lambda_handler'):
            return True
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name) and t.id == 'lambda_handler':
                    return True
    return False


def parse_function(spec, timeout, memory):
    """NAME=path/to/file.py:handler[:timeout]"""
    name, eq, rest = spec.partition('=')
    if not eq or not re.match(r'^[A-Za-z0-9_-]{1,64}$', name):
        raise ValueError('expected NAME=FILE.py:HANDLER[:TIMEOUT], got %r'
                         % spec)
    parts = rest.rsplit(':', 2)
    if len(parts) == 3 and re.match(r'^\d+(\.\d+)?$', parts[2]):
        path, handler, timeout = parts[0], parts[1], float(parts[2])
    else:
        path, _, handler = rest.rpartition(':')
    if not path or not handler:
        raise ValueError('expected NAME=FILE.py:HANDLER[:TIMEOUT], got %r'
                         % spec)
    if not os.path.isfile(path):
        raise ValueError('%s: no such file' % path)
    if timeout <= 0:
        raise ValueError('%s: the timeout must be positive' % spec)
    return Function(name, path, handler, timeout, memory)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Serves AWS Lambda's Invoke API for local Python "
                    "handler files.")
    ap.add_argument('--listen', default='127.0.0.1:9001',
                    help='ADDRESS:PORT (port 0: any free port, printed)')
    ap.add_argument('--function', action='append', default=[],
                    metavar='NAME=FILE.py:HANDLER[:TIMEOUT]',
                    help='a function; repeatable')
    ap.add_argument('--dir', action='append', default=[],
                    help='every DIR/NAME.py defining lambda_handler is '
                         'function NAME')
    ap.add_argument('--timeout', type=float, default=DEFAULT_TIMEOUT,
                    help='seconds (default %d)' % DEFAULT_TIMEOUT)
    ap.add_argument('--memory', type=int, default=DEFAULT_MEMORY,
                    help='memory size in MB reported to handlers '
                         '(default %d)' % DEFAULT_MEMORY)
    ap.add_argument('--concurrency', type=int, default=4,
                    help='worker processes (default 4)')
    ap.add_argument('--region', default='us-east-1')
    ap.add_argument('--account', default='123456789012')
    ap.add_argument('--verbose', action='store_true',
                    help='log every HTTP request')
    args = ap.parse_args(argv)

    functions = {}
    try:
        for d in args.dir:
            if not os.path.isdir(d):
                raise ValueError('%s: not a directory' % d)
            for entry in sorted(os.listdir(d)):
                path = os.path.join(d, entry)
                name = entry[:-3]
                if (entry.endswith('.py')
                        and re.match(r'^[A-Za-z0-9_-]{1,64}$', name)
                        and _defines_lambda_handler(path)):
                    functions[name] = Function(name, path, 'lambda_handler',
                                               args.timeout, args.memory)
        for spec in args.function:
            fn = parse_function(spec, args.timeout, args.memory)
            functions[fn.name] = fn
        host, _, port = args.listen.rpartition(':')
        port = int(port)
        if args.concurrency < 1:
            raise ValueError('--concurrency must be at least 1')
    except ValueError as e:
        ap.error(str(e))
    if not functions:
        ap.error('no function: use --function or --dir')

    # a signal before the server runs stops the start
    def stop_early(signum, frame):
        raise KeyboardInterrupt()

    signal.signal(signal.SIGTERM, stop_early)
    signal.signal(signal.SIGINT, stop_early)

    runtime = server = None
    try:
        runtime = Runtime(functions, args.concurrency, args.region,
                          args.account)
        Handler.runtime = runtime
        Handler.verbose = args.verbose

        try:
            server = ThreadingHTTPServer(
                (host.strip('[]') or '127.0.0.1', port), Handler)
        except OSError as e:
            sys.stderr.write('lambda_runtime: %s: %s\n' % (args.listen, e))
            return 1
        server.daemon_threads = True

        def stop(signum, frame):
            threading.Thread(target=server.shutdown, daemon=True).start()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)

        addr = server.server_address
        sys.stdout.write('listening on %s:%d\n' % (addr[0], addr[1]))
        sys.stdout.flush()
        for fn in functions.values():
            log('function %s: %s:%s, timeout %gs' % (fn.name, fn.path,
                                                     fn.handler, fn.timeout))

        server.serve_forever(poll_interval=0.2)

    except KeyboardInterrupt:
        pass

    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if server is not None:
            server.server_close()
        if runtime is not None:
            runtime.pool.close()

    return 0


if __name__ == '__main__':
    sys.exit(main())
