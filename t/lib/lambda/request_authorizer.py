"""A Lambda REQUEST authorizer for t/024-lambda-authorizer.t, payload
formats 1.0 and 2.0 (IAM-policy or simple responses): allows the user
"alice" (header X-User), denies everyone else, and tells in its context
what its event held.  Calls are counted per user as authorizer.py does."""

import json

from authorizer import count, policy, statement


def lambda_handler(event, context):
    v2 = event.get('version') == '2.0'
    headers = event.get('headers') or {}
    user = headers.get('x-user') if v2 else headers.get('X-User')
    calls = count('request-%s' % user)
    query = event.get('queryStringParameters') or {}
    stage = event.get('stageVariables') or {}
    seen = {
        'calls': calls,
        'type': event['type'],
        'fields': ','.join(sorted(event)),
        'user': user,
        'q': query.get('q'),
        'stagevar': stage.get('who'),
        'arn': event.get('routeArn' if v2 else 'methodArn'),
        'resource': event.get('routeKey' if v2 else 'resource'),
        'sources': json.dumps(event.get('identitySource')),
        'rcstage': event['requestContext']['stage'],
    }

    if v2 and (query.get('mode') == 'simple'
               or headers.get('x-mode') == 'simple'):
        return {'isAuthorized': user == 'alice',
                'context': dict(seen, list=[1, 2])}

    return policy(user or 'anonymous',
                  [statement('Allow' if user == 'alice' else 'Deny',
                             event.get('routeArn' if v2 else 'methodArn'))],
                  context=seen)
