"""Raises: an unhandled function error."""


def lambda_handler(event, context):
    why = event.get('why', 'no reason')
    raise ValueError('something went wrong: %s' % why)
