"""A non-proxy function: takes what the request template made, returns
a plain object, or raises errors whose messages select integration
responses."""


class NotFound(Exception):
    pass


PETS = {'1': {'id': 1, 'type': 'dog', 'price': 249.99},
        '2': {'id': 2, 'type': 'cat', 'price': 124.99}}


def lambda_handler(event, context):
    pet_id = str(event.get('petId', ''))
    if event.get('action') == 'crash':
        raise RuntimeError('Internal failure\nwith a second line')
    if pet_id not in PETS:
        raise NotFound('[NotFound] no pet %s' % pet_id)
    pet = dict(PETS[pet_id])
    pet['requestedBy'] = event.get('user')
    return pet
