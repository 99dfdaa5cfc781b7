import pytest

from derelayl_econ import ProtocolParams


def test_paper_defaults():
    p = ProtocolParams()
    assert (p.n, p.slots, p.k, p.s, p.p) == (256, 128, 4, 0.5, 0.9)
    assert (p.mu, p.sigma, p.reward, p.budget, p.fee, p.cases) == (
        1.0, 1.0, 1.0, 0.001, 0.001, 100)
    assert p.miners == 128 and p.max_winners == 127


def test_slots_default_follows_n():
    assert ProtocolParams(n=11).slots == 5
    assert ProtocolParams(n=2).slots == 1


def test_immutable_and_replace_revalidates():
    p = ProtocolParams()
    with pytest.raises(AttributeError):
        p.k = 3
    assert p.replace(k=2).k == 2
    with pytest.raises(ValueError, match="k must be >= 1, got 0"):
        p.replace(k=0)


@pytest.mark.parametrize("changes, message", [
    (dict(n=1), r"n \(participants\) must be >= 2, got 1"),
    (dict(n=10, slots=10), r"slots must be in \[1, 9\], got 10"),
    (dict(slots=0), r"slots must be in \[1, 255\], got 0"),
    (dict(k=0), r"k must be >= 1, got 0"),
    (dict(s=0.0), r"s \(win share\) must be a finite number in \(0.0, 1.0\], got 0.0"),
    (dict(s=1.5), r"s \(win share\) must be .* got 1.5"),
    (dict(p=0.0), r"p \(success\) must be .* got 0.0"),
    (dict(p=float("nan")), r"p \(success\) must be .* got nan"),
    (dict(sigma=-1.0), r"sigma must be .*\[0.0, inf\), got -1.0"),
    (dict(reward=-1.0), r"reward \(R\) must be .* got -1.0"),
    (dict(budget=-0.1), r"budget \(B\) must be .* got -0.1"),
    (dict(fee=-0.001), r"fee must be .* got -0.001"),
    (dict(cases=-1), r"cases must be >= 0, got -1"),
    (dict(mu=float("inf")), r"mu must be a finite number"),
])
def test_bad_values_are_named(changes, message):
    with pytest.raises(ValueError, match=message):
        ProtocolParams(**changes)


@pytest.mark.parametrize("changes", [dict(n=2.5), dict(k="4"), dict(p="0.9"),
                                     dict(cases=True)])
def test_wrong_kinds(changes):
    with pytest.raises(TypeError, match="must be"):
        ProtocolParams(**changes)
