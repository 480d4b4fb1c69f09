"""mood_map= adds to the default mood labels in a long log too (issue 14, DESIGN.md section 2)."""

import bactivate as ba


def test_mood_map_adds_to_the_default_labels_in_a_long_log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("date,activity,mood\n2026-03-02 09:00,Walk,meh\n2026-03-02 10:00,Read,so-so\n"
                    "2026-03-02 11:00,Cook,rad\n", encoding="utf-8")
    log = ba.read_log(path, mood_map={"so-so": 4})
    # 'meh' and 'rad' keep Daylio's default values (5 and 10); 'so-so' is the client's own label
    assert log["mood"].tolist() == [5.0, 4.0, 10.0]
    assert (log.attrs["rejected"]["kind"] != "cell").all()


def test_mood_map_wins_over_a_default_label(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("date,activity,mood\n2026-03-02 09:00,Walk,meh\n", encoding="utf-8")
    assert ba.read_log(path, mood_map={"meh": 4}).loc[0, "mood"] == 4.0
