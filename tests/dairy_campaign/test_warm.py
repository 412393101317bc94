import gc

from dairy_campaign.warm import load_and_freeze


def test_the_web_process_leaves_the_loaded_program_out_of_garbage_collection():
    try:
        load_and_freeze()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
