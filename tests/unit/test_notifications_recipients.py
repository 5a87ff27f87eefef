from functions.auth.public import UserContact
from functions.notifications.recipients import Recipient


def test_a_user_matched_by_several_rules_gets_the_union_of_their_channels():
    recipient = Recipient("u1", UserContact("u1", None, None, None, None, None, True), {"inApp"})
    recipient.allow(frozenset({"email"}))
    assert recipient.allowed == {"inApp", "email"}
    recipient.allow(None)
    assert recipient.allowed is None
    recipient.allow(frozenset({"inApp"}))
    assert recipient.allowed is None
