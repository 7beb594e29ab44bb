"""Handlers that exercise the local runtime (tools/lambda_runtime.py);
none is called lambda_handler, so --dir leaves this file out."""

import logging
import os
import sys
import time

COUNT = 0
LOADED_AT = time.time()

logger = logging.getLogger()


def returns_none(event, context):
    return None


def context_fields(event, context):
    return {
        'aws_request_id': context.aws_request_id,
        'function_name': context.function_name,
        'function_version': context.function_version,
        'invoked_function_arn': context.invoked_function_arn,
        'memory_limit_in_mb': context.memory_limit_in_mb,
        'log_group_name': context.log_group_name,
        'log_stream_name': context.log_stream_name,
        'remaining_ms': context.get_remaining_time_in_millis(),
        'client_context_custom': (context.client_context.custom
                                  if context.client_context else None),
        'env_function_name': os.environ.get('AWS_LAMBDA_FUNCTION_NAME'),
        'env_handler': os.environ.get('_HANDLER'),
    }


def sleep(event, context):
    time.sleep(event.get('seconds', 1))
    return {'pid': os.getpid()}


def counter(event, context):
    global COUNT
    COUNT += 1
    return {'pid': os.getpid(), 'count': COUNT, 'loaded_at': LOADED_AT}


def logs(event, context):
    print('printed line one')
    print('printed line two')
    logger.warning('a logged warning')
    return 'logged'


def unserializable(event, context):
    return {1, 2, 3}


def exits(event, context):
    sys.exit(3)
