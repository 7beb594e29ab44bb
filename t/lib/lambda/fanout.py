"""Sends N requests at once to a URL and answers with their statuses, in
order: how the JWT tests make requests wait together for a key set.
The event's body: {"url": URL, "n": N, "headers": {...}}; with
"header": NAME, the answer is {"statuses": [...], "values": [...]}, the
values of that response header."""

import json
import threading
import urllib.error
import urllib.request


def lambda_handler(event, context):
    spec = json.loads(event['body'])
    n = int(spec['n'])
    statuses = [0] * n
    values = [None] * n
    header = spec.get('header')
    start = threading.Barrier(n)

    def one(i):
        req = urllib.request.Request(spec['url'],
                                     headers=spec.get('headers', {}))
        start.wait()
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                statuses[i] = resp.status
                values[i] = resp.headers.get(header) if header else None
        except urllib.error.HTTPError as e:
            statuses[i] = e.code
            values[i] = e.headers.get(header) if header else None
        except Exception:
            statuses[i] = 0

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    if header:
        body = {'statuses': statuses, 'values': values}
    else:
        body = statuses

    return {'statusCode': 200, 'body': json.dumps(body)}
