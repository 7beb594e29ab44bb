"""A Lambda TOKEN authorizer for t/024-lambda-authorizer.t: what it
answers depends on the token's first word ("allow-alice", "deny-bob",
...).  Every call is counted per token in a file of the folder
$APIGW_TEST_AUTH_DIR, and the count is returned in the context."""

import json
import os
import time


def count(key):
    folder = os.environ.get('APIGW_TEST_AUTH_DIR')
    if not folder:
        return 0
    path = os.path.join(folder, key.replace('/', '_'))
    with open(path, 'ab') as f:     # one byte a call: appends are atomic
        f.write(b'.')
    return os.path.getsize(path)


def statement(effect, resource):
    return {'Action': 'execute-api:Invoke', 'Effect': effect,
            'Resource': resource}


def policy(principal, statements, **extra):
    answer = {
        'principalId': principal,
        'policyDocument': {'Version': '2012-10-17', 'Statement': statements},
    }
    answer.update(extra)
    return answer


def lambda_handler(event, context):
    token = event['authorizationToken']
    arn = event['methodArn']
    calls = count(token)
    word, _, rest = token.partition('-')
    # arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH
    api, stage = arn.split('/')[0], arn.split('/')[1]
    ctx = {'calls': calls, 'str': 'text', 'num': 7, 'real': 1.5,
           'yes': True, 'none': None}

    if word == 'allow':
        return policy(rest, [statement('Allow', arn)], context=ctx)

    if word == 'deny':
        return policy(rest, [statement('Deny', arn)], context=ctx)

    if word == 'elsewhere':
        # allows another method only: no statement covers this one
        return policy(rest, [statement('Allow', api + '/other/GET/x')])

    if word == 'get':
        # GET on /pets of this stage, nothing else
        return policy(rest, [statement('Allow',
                                       '%s/%s/GET/pets' % (api, stage))],
                      context={'calls': calls})

    if word == 'wild':
        return policy(rest, [
            statement('Allow', ['%s/*/GET/*' % api,
                                'arn:aws:execute-api:*:*:*/?ev/PUT/pets']),
            statement('Deny', '%s/*/GET/admin*' % api),
        ], context={'calls': calls})

    if word == 'string':
        # the policy document as a JSON string, as some SDKs send it
        return {'principalId': rest, 'policyDocument': json.dumps(
            {'Version': '2012-10-17',
             'Statement': [statement('Allow', arn)]})}

    if word == 'key':
        return policy('user', [statement('Allow', arn)],
                      usageIdentifierKey=rest)

    if word == 'unauthorized':
        raise Exception('Unauthorized')

    if word == 'error':
        raise ValueError('the token store is down')

    if word == 'noprincipal':
        return {'policyDocument': {'Version': '2012-10-17',
                                   'Statement': [statement('Allow', arn)]}}

    if word == 'nopolicy':
        return {'principalId': 'x'}

    if word == 'badpolicy':
        return policy('x', [{'Effect': 'Maybe', 'Action': '*',
                             'Resource': '*'}])

    if word == 'nested':
        return policy('x', [statement('Allow', arn)],
                      context={'user': {'id': 1}})

    if word == 'list':
        return ['not', 'an', 'object']

    if word == 'big':
        # an answer over the 64 KB the gateway reads
        return policy('big', [statement('Allow', arn)],
                      context={'padding': 'x' * 100000})

    if word == 'sleep':
        time.sleep(float(rest))
        return policy('sleeper', [statement('Allow', arn)])

    return policy('nobody', [statement('Deny', '*')])
