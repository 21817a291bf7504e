"""Figures in any release: money, counts of people, parts that add up and parts that do not."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from rdflib import URIRef

from kg.extract.document import read_document
from kg.extract.facts import Analysis
from kg.extract.pipeline import analyse
from kg.graph.vocab import KG, SDO


def run(tmp_path: Path, sentence: str) -> Analysis:
    path = tmp_path / "rilis.txt"
    path.write_text(f"JAKARTA (1 Mei 2023) - {sentence}\n", encoding="utf-8")
    return analyse(read_document(path))


def figures(a: Analysis) -> dict[Decimal, URIRef]:
    return {Decimal(str(f.o)): f.s for f in a.facts if f.p == SDO.value}


def objects(a: Analysis, s: URIRef, p: URIRef) -> set[str]:
    return {str(f.o) for f in a.facts if f.s == s and f.p == p}


def test_money_and_counts_of_people(tmp_path: Path) -> None:
    a = run(tmp_path, "Kemensos menyalurkan bantuan Rp 45 miliar dan Rp1.250.000.000 kepada 12.500 KPM dan 310 Penerima Manfaat.")
    found = figures(a)
    assert set(found) >= {Decimal(45_000_000_000), Decimal(1_250_000_000), Decimal(12_500), Decimal(310)}
    assert objects(a, found[Decimal(45_000_000_000)], SDO.unitCode) == {"IDR"}
    assert objects(a, found[Decimal(12_500)], KG.counts) == {"KPM"}
    assert objects(a, found[Decimal(310)], KG.counts) == {"Penerima Manfaat"}


def test_parts_that_add_up_are_linked_and_not_flagged(tmp_path: Path) -> None:
    a = run(tmp_path, "Sentra Handayani melayani 50 penerima manfaat, terdiri dari 20 anak dan 30 lansia.")
    found = figures(a)
    whole = found[Decimal(50)]
    assert objects(a, found[Decimal(20)], KG.partOf) == {str(whole)}
    assert objects(a, found[Decimal(30)], KG.partOf) == {str(whole)}
    assert not any(f.p == KG.computedValue for f in a.facts)


def test_parts_that_do_not_add_up_are_a_finding(tmp_path: Path) -> None:
    a = run(tmp_path, "Sentra Handayani melayani 50 penerima manfaat, terdiri dari 20 anak dan 25 lansia.")
    stated = {str(f.o) for f in a.facts if f.p == KG.statedValue}
    computed = {str(f.o) for f in a.facts if f.p == KG.computedValue}
    assert (stated, computed) == ({"50"}, {"45"})
    assert all(f.derived for f in a.facts if f.p in (KG.statedValue, KG.computedValue))


def test_a_share_that_matches_its_parts_is_not_flagged(tmp_path: Path) -> None:
    a = run(tmp_path, "PT Maju Jaya mempekerjakan 40 pekerja penyandang disabilitas dari total karyawan 160 orang (25%).")
    assert any(f.p == KG.statedShareOf for f in a.facts)
    assert not any(f.p == KG.computedValue for f in a.facts)


def test_a_rate_after_a_figure_or_its_range_is_its_period(tmp_path: Path) -> None:
    a = run(tmp_path, "Ayu bekerja dengan penghasilan Rp 20.000,- hingga Rp30.000,-/ hari dan menerima 5 juta per bulan.")
    periods = {Decimal(str(f.o)): objects(a, f.s, KG.period) for f in a.facts if f.p == SDO.value}
    assert periods[Decimal(20000)] == periods[Decimal(30000)] == {"P1D"}
    assert periods[Decimal(5_000_000)] == {"P1M"}


def test_a_percentage_counts_the_measure_named_before_it(tmp_path: Path) -> None:
    a = run(tmp_path, "Realisasi anggaran Program Rehabilitasi Sosial hingga Juli sudah sebesar 49,13 persen, "
                      "dengan presentase realisasinya sebanyak 126,1 persen.")
    found = figures(a)
    assert objects(a, found[Decimal("49.13")], KG.counts) == {"realisasi anggaran"}
    assert objects(a, found[Decimal("126.1")], KG.counts) == {"presentase realisasi"}


def test_a_share_dari_an_organisation_is_about_that_organisation(tmp_path: Path) -> None:
    a = run(tmp_path, "Realisasi terdiri atas 47,73 persen dari Direktorat Rehabilitasi Sosial Anak dan "
                      "44,40 persen dari Direktorat Rehabilitasi Sosial Lanjut Usia.")
    found = figures(a)
    about = {value: {o.rsplit("/id/", 1)[1] for o in objects(a, found[value], KG.statisticOf)}
             for value in (Decimal("47.73"), Decimal("44.40"))}
    assert about == {Decimal("47.73"): {"org/direktorat-rehabilitasi-sosial-anak"},
                     Decimal("44.40"): {"org/direktorat-rehabilitasi-sosial-lanjut-usia"}}


def test_counted_nouns_of_four_words_of_a_range_and_never_a_scale_word(tmp_path: Path) -> None:
    a = run(tmp_path, "Dapur umum memproduksi 1.000 sampai 4.000 nasi bungkus, membagikan 12 paket alat kebersihan diri "
                      "dan melayani 75 pemerlu pelayanan kesejahteraan sosial dengan anggaran US$6 juta.")
    found = figures(a)
    assert objects(a, found[Decimal(1000)], KG.counts) == {"nasi bungkus"}
    assert objects(a, found[Decimal(4000)], KG.counts) == {"nasi bungkus"}
    assert objects(a, found[Decimal(12)], KG.counts) == {"paket alat kebersihan diri"}
    assert objects(a, found[Decimal(75)], KG.counts) == {"pemerlu pelayanan kesejahteraan sosial"}
    assert not any(objects(a, s, KG.counts) == {"juta"} for s in found.values())


def test_counted_people_of_a_named_organisation_and_a_sentence_place_topic(tmp_path: Path) -> None:
    a = run(tmp_path, "Program ini diikuti tujuh petugas Kementerian Sosial dan delapan petugas Dinas Sosial DKI Jakarta. "
                      "Di Korea Selatan, terdapat sebanyak 1,4 juta Pekerja Sosial yang terakreditasi.")
    found = figures(a)
    about = {value: {o.rsplit("/id/", 1)[1] for o in objects(a, s, KG.statisticOf)} for value, s in found.items()}
    assert about[Decimal(7)] == {"org/kementerian-sosial"}
    assert about[Decimal(8)] == {"org/dinas-sosial-provinsi-dki-jakarta"}
    assert about[Decimal("1400000")] == {"place/korea-selatan"}


def test_durations_spelt_out_repetitions_classifiers_and_names_inside_counted_words(tmp_path: Path) -> None:
    a = run(tmp_path, "Kerja sama berlangsung selama tiga tahun. Terdapat 20 (dua puluh) WNI/PMI, 19 orang laki-laki, "
                      "dan 4.539 Pekerja Migran Indonesia dipulangkan ke 20 WNI setiba di Jakarta pada tahun 2022.")
    found = figures(a)
    assert objects(a, found[Decimal(3)], KG.counts) == {"tahun"}
    twenties = [f.s for f in a.facts if f.p == SDO.value and Decimal(str(f.o)) == 20]
    assert sorted(next(iter(objects(a, s, KG.counts))) for s in twenties) == ["WNI", "WNI/PMI"]  # not "dua puluh"
    assert objects(a, found[Decimal(19)], KG.counts) == {"laki-laki"}
    assert objects(a, found[Decimal(4539)], KG.counts) == {"Pekerja Migran Indonesia"}
    assert Decimal(2022) not in found


def test_a_figure_glued_to_the_sentence_before(tmp_path: Path) -> None:
    a = run(tmp_path, "Ada 20 orang.19 orang laki-laki, 1 orang perempuan.")
    found = figures(a)
    assert objects(a, found[Decimal(19)], KG.counts) == {"laki-laki"}
    assert Decimal("20.19") not in found


def test_a_figure_named_as_a_programme_and_a_period_anywhere_in_the_sentence(tmp_path: Path) -> None:
    a = run(tmp_path, "Sebanyak 7 komponen layanan langsung yang disebut ATENSI dilaksanakan balai. "
                      "Terdapat 24.000 paket makanan yang dapat diproduksi dapur umum setiap harinya.")
    found = figures(a)
    assert {o.rsplit("/id/", 1)[1] for o in objects(a, found[Decimal(7)], KG.statisticOf)} == {"program/atensi"}
    assert objects(a, found[Decimal(24000)], KG.period) == {"P1D"}


def test_a_sum_of_money_counts_the_noun_that_names_it(tmp_path: Path) -> None:
    a = run(tmp_path, "Ayu bekerja dengan penghasilan Rp 20.000,- per hari dan mendapat bantuan sebesar Rp1.500.000.")
    found = figures(a)
    assert objects(a, found[Decimal(20000)], KG.counts) == {"penghasilan"}
    assert objects(a, found[Decimal(1500000)], KG.counts) == {"bantuan"}


def test_an_older_year_after_pada_or_sejak_is_no_figure(tmp_path: Path) -> None:
    a = run(tmp_path, "Perpustakaan yang terbentuk pada 1800 ini memiliki 1800 koleksi langka.")
    counted = [objects(a, f.s, KG.counts) for f in a.facts if f.p == SDO.value and Decimal(str(f.o)) == 1800]
    assert counted == [{"koleksi langka"}]  # the count, not the year


def test_dollars_written_the_english_or_the_indonesian_way(tmp_path: Path) -> None:
    a = run(tmp_path, "KOICA menjalankan program dengan total anggaran sebesar US$6 juta. Skema pendanaan dari KOICA "
                      "sebesar USD $7,000,000 ditujukan untuk 2 fasilitas.")
    found = figures(a)
    assert objects(a, found[Decimal(6_000_000)], SDO.unitCode) == {"USD"}
    assert objects(a, found[Decimal(6_000_000)], KG.counts) == {"anggaran"}
    assert objects(a, found[Decimal(7_000_000)], SDO.unitCode) == {"USD"}
    assert Decimal(7) not in found and Decimal(6) not in found


def test_a_measure_named_with_a_demonstrative_counts_each_share_of_a_list(tmp_path: Path) -> None:
    a = run(tmp_path, "Realisasi tersebut terdiri atas 47,73 persen dari Direktorat Rehabilitasi Sosial Anak dan "
                      "44,40 persen dari Direktorat Rehabilitasi Sosial Lanjut Usia.")
    found = figures(a)
    assert objects(a, found[Decimal("47.73")], KG.counts) == {"realisasi"}
    assert objects(a, found[Decimal("44.40")], KG.counts) == {"realisasi"}


def test_a_sentence_going_on_about_the_one_before_keeps_its_year(tmp_path: Path) -> None:
    a = run(tmp_path, "Target Program Rehabilitasi Sosial Tahun 2020 totalnya adalah 123.500 orang. Namun realisasinya "
                      "adalah sebesar 155.727 orang. Di tempat lain tercatat 90 orang.")
    found = figures(a)
    assert objects(a, found[Decimal(155727)], KG.referenceYear) == {"2020"}
    assert objects(a, found[Decimal(90)], KG.referenceYear) == set()


def test_an_organisation_after_a_preposition_is_not_what_a_later_count_describes(tmp_path: Path) -> None:
    a = run(tmp_path, "Pengungsi yang terdata dari Dinas Sosial Kabupaten Cianjur ada 120 orang. Bantuan disalurkan "
                      "melalui Sentra Handayani kepada 45 anak. Skema pendanaan dari KOICA sebesar Rp 5 miliar.")
    found = figures(a)
    assert objects(a, found[Decimal(120)], KG.statisticOf) == set()
    assert objects(a, found[Decimal(45)], KG.statisticOf) == set()
    assert {o.rsplit("/id/", 1)[1] for o in objects(a, found[Decimal(5_000_000_000)], KG.statisticOf)} == \
        {"org/korea-international-cooperation-agency"}


def test_a_count_after_the_organisation_that_is_its_subject_describes_it(tmp_path: Path) -> None:
    a = run(tmp_path, "Sentra Handayani melayani 45 anak.")
    assert {o.rsplit("/id/", 1)[1] for o in objects(a, figures(a)[Decimal(45)], KG.statisticOf)} == {"org/sentra-handayani"}


def test_numbers_that_name_rather_than_count_are_no_figures(tmp_path: Path) -> None:
    a = run(tmp_path, "Mereka pulang dengan penerbangan Garuda GA 881 setelah pemulangan pada tanggal 5 dan 22 Agustus 2022. "
                      "Kemensos memberikan motor roda tiga kepada 12 penyandang disabilitas dan membuka lantai dua gedung. "
                      "Sebanyak 30 anak dilayani. Kemudian 30 anak tersebut dipulangkan.")
    assert sorted(figures(a)) == [Decimal(12), Decimal(30)]
    assert len([f for f in a.facts if f.p == SDO.value]) == 2


def test_a_spelt_out_numeral_after_a_noun_counts_when_a_classifier_follows(tmp_path: Path) -> None:
    a = run(tmp_path, "Kemensos menyerahkan bantuan tiga unit kursi roda dan mengirim sebanyak lima orang pendamping.")
    assert sorted(figures(a)) == [Decimal(3), Decimal(5)]


def test_a_running_total_up_to_a_date_has_that_year_and_the_sentence_going_on_about_it_too(tmp_path: Path) -> None:
    a = run(tmp_path, "Realisasi anggaran hingga 19 Juli 2020 sudah sebesar 49,13 persen. Realisasi tersebut terdiri "
                      "atas 47,73 persen dari Direktorat Rehabilitasi Sosial Anak.")
    found = figures(a)
    assert objects(a, found[Decimal("49.13")], KG.referenceYear) == {"2020"}
    assert objects(a, found[Decimal("47.73")], KG.referenceYear) == {"2020"}


def test_the_date_of_an_event_is_no_reference_year_of_its_figures(tmp_path: Path) -> None:
    a = run(tmp_path, "Pada 6 Desember 2021 tim membagikan 50 paket alat kebersihan diri.")
    assert objects(a, figures(a)[Decimal(50)], KG.referenceYear) == set()


def test_an_age_in_parentheses_after_a_name_describes_that_person(tmp_path: Path) -> None:
    a = run(tmp_path, "Ibu Sarinah merawat anaknya bernama Adam (12) dan cucunya Budi Santoso (7 tahun).")
    found = figures(a)
    for value, person in ((Decimal(12), "person/adam"), (Decimal(7), "person/budi-santoso")):
        assert objects(a, found[value], KG.counts) == {"umur"}
        assert {o.rsplit("/id/", 1)[1] for o in objects(a, found[value], KG.statisticOf)} == {person}


def test_a_figure_in_a_sentence_a_person_opens_describes_that_person_unless_they_report_it(tmp_path: Path) -> None:
    a = run(tmp_path, "Ayu Larasati merupakan seorang mantan pekerja migran. Ayu Larasati bekerja dengan pendapatan "
                      "40 ringgit per hari. Ayu Larasati mengatakan 300 pekerja lain bernasib sama.")
    found = figures(a)
    assert {o.rsplit("/id/", 1)[1] for o in objects(a, found[Decimal(40)], KG.statisticOf)} == {"person/ayu-larasati"}
    assert objects(a, found[Decimal(300)], KG.statisticOf) == set()


def test_a_foreign_currency_named_by_one_word_and_a_hyphenated_range(tmp_path: Path) -> None:
    a = run(tmp_path, "Ia bekerja dengan pendapatan 40-60 ringgit/hari, lalu menabung 5.000 yen dan 2.000 baht. "
                      "Pandemi COVID-19 melanda.")
    found = figures(a)
    assert {value: objects(a, key, SDO.unitCode) for value, key in found.items()} == {
        Decimal(40): {"MYR"}, Decimal(60): {"MYR"}, Decimal(5000): {"JPY"}, Decimal(2000): {"THB"}}
    assert objects(a, found[Decimal(60)], KG.period) == {"P1D"}


def test_a_count_measured_by_a_classifier_counts_the_noun_it_totals(tmp_path: Path) -> None:
    a = run(tmp_path, "Perusahaan itu mempekerjakan 48 penyandang disabilitas dari total karyawan 160 orang. "
                      "Tercatat jumlah pengungsi 470 jiwa.")
    found = figures(a)
    assert objects(a, found[Decimal(160)], KG.counts) == {"karyawan"}
    assert objects(a, found[Decimal(470)], KG.counts) == {"pengungsi"}


def test_a_running_total_up_to_a_date_opening_the_sentence(tmp_path: Path) -> None:
    a = run(tmp_path, "Hingga 19 Maret 2024, tercatat 21.000 jiwa mengungsi.")
    assert objects(a, figures(a)[Decimal(21_000)], KG.referenceYear) == {"2024"}


def test_a_source_named_by_menurut_data_is_not_what_its_figures_describe(tmp_path: Path) -> None:
    a = run(tmp_path, "Menurut data Badan Pusat Statistik (BPS), angka kemiskinan ekstrem tercatat 0,83 persen.")
    assert objects(a, figures(a)[Decimal("0.83")], KG.statisticOf) == set()


def test_a_bare_number_closing_a_name_is_no_figure(tmp_path: Path) -> None:
    a = run(tmp_path, "Wamensos meninjau Sekolah Rakyat Menengah Atas 10 di Bekasi bersama 100 siswa.")
    assert sorted(figures(a)) == [Decimal(100)]


def test_the_counted_noun_stops_before_a_preposition_of_time_or_amount(tmp_path: Path) -> None:
    a = run(tmp_path, "Layanan diberikan kepada 45.000 anak sepanjang tahun 2022 dan 300 lansia senilai Rp 5 juta.")
    found = figures(a)
    assert objects(a, found[Decimal(45_000)], KG.counts) == {"anak"}
    assert objects(a, found[Decimal(300)], KG.counts) == {"lansia"}


def test_the_total_named_before_a_verb_and_the_count(tmp_path: Path) -> None:
    a = run(tmp_path, "Ia mengatakan jumlah pengungsi mencapai 58.362 orang.")
    assert objects(a, figures(a)[Decimal(58_362)], KG.counts) == {"pengungsi"}
