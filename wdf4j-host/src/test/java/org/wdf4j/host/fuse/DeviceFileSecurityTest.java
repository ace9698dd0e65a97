package org.wdf4j.host.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A device's SDDL becomes its file's owner, group and mode: the WDM SDDL_DEVOBJ constants, Unix owners and groups
 * in Samba's SID convention, rights as codes and numbers, denies, and a message naming the culprit for every SDDL a
 * file mode cannot express.
 */
class DeviceFileSecurityTest {

    private static final int HOST_UID = 500;
    private static final int HOST_GID = 50;

    private static DeviceFileSecurity map(String sddl) {
        return DeviceFileSecurity.fromSddl(sddl, HOST_UID, HOST_GID);
    }

    private static DeviceFileSecurity hostOwned(String octalMode) {
        return new DeviceFileSecurity(HOST_UID, HOST_GID, Integer.parseInt(octalMode, 8));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            SDDL_DEVOBJ_KERNEL_ONLY                       | 0000 | D:P
            SDDL_DEVOBJ_SYS_ALL                           | 0600 | D:P(A;;GA;;;SY)
            SDDL_DEVOBJ_SYS_ALL_ADM_ALL                   | 0600 | D:P(A;;GA;;;SY)(A;;GA;;;BA)
            SDDL_DEVOBJ_SYS_ALL_ADM_RX                    | 0600 | D:P(A;;GA;;;SY)(A;;GRGX;;;BA)
            SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R           | 0644 | D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)
            SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R     | 0644 | D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)\
            (A;;GR;;;WD)(A;;GR;;;RC)
            SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R    | 0666 | D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)\
            (A;;GRGW;;;WD)(A;;GR;;;RC)
            SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX | 0666 | D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)\
            (A;;GRGWGX;;;WD)(A;;GRGWGX;;;RC)
            """)
    void wdmDeviceObjectConstants(String constant, String mode, String sddl) {
        assertThat(map(sddl)).as(constant).isEqualTo(hostOwned(mode));
    }

    @Test
    void aDeviceWithoutAnSddlIsTheHostsAlone() {
        assertThat(map(null)).isEqualTo(DeviceFileSecurity.hostOnly(HOST_UID, HOST_GID)).isEqualTo(hostOwned("0600"));
        assertThat(map(null).describe()).isEqualTo("uid 500, gid 50, mode 0600 (rw-------)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"O:SY", "O:SYG:SY", "D:NO_ACCESS_CONTROL", "O:BAD:NO_ACCESS_CONTROL",
        "D:PAINO_ACCESS_CONTROL", "S:(ML;;NW;;;LW)", "d:no_access_control"})
    void aNullDaclLetsEveryoneReadAndWrite(String sddl) {
        assertThat(map(sddl)).isEqualTo(hostOwned("0666"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"D:", "D:P", "D:PAI", "D:AR", "D:AI", "O:SYD:PAI", "D:P S:(ML;;NW;;;LW)"})
    void anEmptyDaclLetsOnlyRootIn(String sddl) {
        assertThat(map(sddl)).isEqualTo(hostOwned("0000"));
    }

    @Test
    void unixUsersAndGroupsOwnTheFileInSambasSidConvention() {
        var security = map("O:S-1-22-1-1000G:S-1-22-2-100D:P(A;;GA;;;S-1-22-1-1000)(A;;GR;;;S-1-22-2-100)");
        assertThat(security).isEqualTo(new DeviceFileSecurity(1000, 100, 0640));
        assertThat(security.describe()).isEqualTo("uid 1000, gid 100, mode 0640 (rw-r-----)");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "D:P(A;;GA;;;OW)(A;;GR;;;S-1-22-2-100)G:S-1-22-2-100O:S-1-22-1-1000",
        "G:S-1-22-2-100S:(ML;;NW;;;LW)O:S-1-22-1-1000D:P(A;;GA;;;OW)(A;;GR;;;S-1-22-2-100)",
        "  o:s-1-22-1-1000 g:s-1-22-2-100 d:p(a;;ga;;;co) (a;;gr;;;s-1-22-2-0100)\t",
        "O:S-1-22-1-01000G:S-1-22-2-100D:P(A;;GA;;;S-1-22-1-1000)(A;;GR;;;S-1-22-2-100)"})
    void componentsComeInAnyOrderAndCase(String sddl) {
        assertThat(map(sddl)).isEqualTo(new DeviceFileSecurity(1000, 100, 0640));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            GA           | 0666
            GR           | 0444
            GW           | 0222
            GX           | 0000
            GRGW         | 0666
            GRGX         | 0444
            grgw         | 0666
            FA           | 0666
            FR           | 0444
            FW           | 0222
            FX           | 0000
            KA           | 0666
            KR           | 0444
            KX           | 0444
            KW           | 0222
            CC           | 0444
            DC           | 0222
            LC           | 0222
            RCSDWDWO     | 0000
            RPWPSWLODTCR | 0000
            0x10000000   | 0666
            0x80000000   | 0444
            0x40000000   | 0222
            0x20000000   | 0000
            0x1          | 0444
            0X1          | 0444
            0x2          | 0222
            0x4          | 0222
            0x1F01FF     | 0666
            0x1f01ff     | 0666
            0x120089     | 0444
            0x120116     | 0222
            0x1200A0     | 0000
            0x00020000   | 0000
            0xFFFFFFFF   | 0666
            1            | 0444
            2147483648   | 0444
            0            | 0000
            """)
    void rightsGrantReadAndWriteButNeverExecute(String rights, String mode) {
        assertThat(map("D:P(A;;" + rights + ";;;WD)")).isEqualTo(hostOwned(mode));
    }

    @Test
    void anEmptyRightsFieldGrantsNothing() {
        assertThat(map("D:P(A;;GA;;;SY)(A;;;;;WD)")).isEqualTo(hostOwned("0600"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            SY            | 0600
            BA            | 0600
            OW            | 0600
            CO            | 0600
            S-1-5-18      | 0600
            S-1-5-32-544  | 0600
            S-1-3-4       | 0600
            S-1-3-0       | 0600
            S-1-22-1-500  | 0600
            S-1-22-2-50   | 0060
            WD            | 0666
            S-1-1-0       | 0666
            AU            | 0666
            S-1-5-11      | 0666
            BU            | 0666
            S-1-5-32-545  | 0666
            IU            | 0666
            S-1-5-4       | 0666
            AN            | 0666
            S-1-5-7       | 0666
            BG            | 0666
            S-1-5-32-546  | 0666
            wd            | 0666
            s-1-1-0       | 0666
            RC            | 0000
            S-1-5-12      | 0000
            """)
    void trusteesMapToTheClassesOfTheMode(String sid, String mode) {
        assertThat(map("D:P(A;;GA;;;" + sid + ")")).isEqualTo(hostOwned(mode));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SY", "BA", "OW", "CO", "S-1-5-18", "S-1-5-32-544", "S-1-3-4", "S-1-3-0", "sy"})
    void theHostOwnsTheFileForItsOwnerSids(String sid) {
        assertThat(map("O:" + sid + "G:S-1-22-2-7D:P(A;;GA;;;OW)"))
                .isEqualTo(new DeviceFileSecurity(HOST_UID, 7, 0600));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SY", "BA", "S-1-5-18", "S-1-5-32-544", "ba"})
    void theHostsGroupIsTheFilesGroupForItsGroupSids(String sid) {
        assertThat(map("O:S-1-22-1-7G:" + sid + "D:P(A;;GR;;;WD)"))
                .isEqualTo(new DeviceFileSecurity(7, HOST_GID, 0444));
    }

    @Test
    void theHostsSidsReachTheOwnerClassOnlyWhenTheHostOwnsTheFile() {
        // SY and BA are the host: when O: gives the file to Unix user 1000, their rights must not become user 1000's.
        assertThat(map("O:S-1-22-1-1000D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GR;;;S-1-22-1-1000)"))
                .isEqualTo(new DeviceFileSecurity(1000, HOST_GID, 0400));
        assertThat(map("O:S-1-22-1-500D:P(A;;GA;;;SY)")).isEqualTo(hostOwned("0600"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            D:(A;;GA;;;WD)(D;;GW;;;WD)                             | 0444
            D:(D;;GW;;;WD)(A;;GA;;;WD)                             | 0444
            D:(A;;GA;;;WD)(D;;GA;;;OW)                             | 0066
            D:(A;;GA;;;WD)(D;;GW;;;SY)                             | 0466
            D:(A;;GA;;;WD)(D;;0x2;;;AU)                            | 0444
            D:(A;;GA;;;WD)(D;;DC;;;WD)                             | 0444
            D:(A;;GA;;;WD)(D;;0x80000000;;;S-1-22-1-500)           | 0266
            D:(A;;GA;;;WD)(D;;GX;;;WD)                             | 0666
            D:(A;;GA;;;WD)(D;;GA;;;RC)                             | 0666
            D:(A;;GR;;;SY)(D;;GA;;;BG)                             | 0000
            D:(A;;GA;;;WD)(d;;gw;;;s-1-22-2-50)                    | 0646
            """)
    void deniesTakeAwayWhatAllowsGaveWhateverTheirOrder(String sddl, String mode) {
        assertThat(map(sddl)).isEqualTo(hostOwned(mode));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            D:P(A;OICI;GA;;;WD)                       | 0666
            D:P(A;ID;GR;;;WD)                         | 0444
            D:P(A;OICINPSAFATPCR;GR;;;WD)             | 0444
            D:P(A;;GA;;;SY)(A;OICIIO;GA;;;WD)         | 0600
            D:P(A;CIIO;GA;;;WD)                       | 0000
            D:(A;;GA;;;WD)(D;IO;GW;;;WD)              | 0666
            """)
    void aceFlagsHaveNoEffectButInheritOnlyAcesDoNotApplyToTheDevice(String sddl, String mode) {
        assertThat(map(sddl)).isEqualTo(hostOwned(mode));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0644 | uid 0, gid 0, mode 0644 (rw-r--r--)
            0000 | uid 0, gid 0, mode 0000 (---------)
            0666 | uid 0, gid 0, mode 0666 (rw-rw-rw-)
            0751 | uid 0, gid 0, mode 0751 (rwxr-x--x)
            """)
    void describeShowsTheModeInOctalAndSymbols(String mode, String description) {
        assertThat(new DeviceFileSecurity(0, 0, Integer.parseInt(mode, 8)).describe()).isEqualTo(description);
    }

    @Test
    void theRecordRefusesNegativeIdsAndBitsBeyondThePermissions() {
        assertThatIllegalArgumentException().isThrownBy(() -> new DeviceFileSecurity(-1, 0, 0600))
                .withMessageContaining("uid -1");
        assertThatIllegalArgumentException().isThrownBy(() -> new DeviceFileSecurity(0, -2, 0600))
                .withMessageContaining("gid -2");
        assertThatIllegalArgumentException().isThrownBy(() -> new DeviceFileSecurity(0, 0, 04755))
                .withMessageContaining("04755");
    }

    @ParameterizedTest(name = "{0} names {1}")
    @CsvSource(delimiter = '|', textBlock = """
            D:P(AU;SA;GA;;;WD)                                       | type AU
            D:P(OA;;GA;;;WD)                                         | type OA
            D:P(XA;;FX;;;WD;(Member_of {SID(BA)}))                   | type XA
            D:P(A;;GA;;;WD;x)                                        | (A;;GA;;;WD;x) has 7 fields
            D:P(A;;GA;;WD)                                           | (A;;GA;;WD) has 5 fields
            D:P()                                                    | () has 1 fields
            D:P(A;;GA;bf967aba-0de6-11d0-a285-00aa003049e2;;WD)      | object GUID bf967aba-0de6-11d0-a285-00aa003049e2
            D:P(A;;GA;;bf967aba-0de6-11d0-a285-00aa003049e2;WD)      | object GUID bf967aba-0de6-11d0-a285-00aa003049e2
            D:P(A;;ZZ;;;WD)                                          | access right ZZ
            D:P(A;;GRzz;;;WD)                                        | access right zz
            D:P(A;;NR;;;WD)                                          | access right NR
            D:P(A;;GAG;;;WD)                                         | lone letter G
            D:P(A;;0xZZ;;;WD)                                        | access mask 0xZZ
            D:P(A;;0x100000000;;;WD)                                 | access mask 0x100000000
            D:P(A;;4294967296;;;WD)                                  | access mask 4294967296
            D:P(A;;12AB;;;WD)                                        | access mask 12AB
            D:P(A;XX;GA;;;WD)                                        | ACE flag XX
            D:P(A;OIC;GA;;;WD)                                       | ACE flag C
            D:P(A;;GA;;;DU)                                          | grants DU
            D:P(D;;GA;;;DU)                                          | denies DU
            D:P(A;;GA;;;S-1-5-21-1004336348-1177238915-682003330-512) | grants S-1-5-21-1004336348-1177238915-\
            682003330-512
            D:P(A;;GA;;;)                                            | grants no SID
            D:P(A;;GA;;;S-1-22-1-1001)                               | O:S-1-22-1-1001
            D:P(D;;GW;;;S-1-22-1-1001)                               | denies Unix user 1001
            D:P(A;;GA;;;S-1-22-2-7)                                  | G:S-1-22-2-7
            D:P(A;;GA;;;S-1-22-1-99999999999)                        | S-1-22-1-99999999999
            O:S-1-22-1-4294967295                                    | S-1-22-1-4294967295
            O:DUD:P                                                  | owner O:DU
            O:WD                                                     | owner O:WD
            O:S-1-22-2-5                                             | owner O:S-1-22-2-5 is a Unix group
            O:S-1-22-1-abc                                           | owner O:S-1-22-1-abc
            G:S-1-22-1-5                                             | group G:S-1-22-1-5 is a Unix user
            G:OW                                                     | group G:OW
            G:WD                                                     | group G:WD
            O:D:P                                                    | O: names no owner
            G:D:P                                                    | G: names no group
            O:SYO:BA                                                 | O: appears twice
            D:PD:P(A;;GA;;;SY)                                       | D: appears twice
            garbage                                                  | "garbage" is not a component
            XD:P                                                     | "X" is not a component
            D:Q(A;;GA;;;SY)                                          | "Q" in D:Q(A;;GA;;;SY) is not a DACL flag
            D:PX                                                     | "X" in D:PX is not a DACL flag
            D:P(A;;GA;;;SY                                           | ACE (A;;GA;;;SY has no closing parenthesis
            D:P(A;;GA;;;SY)junk                                      | "junk" in D:P(A;;GA;;;SY)junk is not an ACE
            D:P(A;;GA;;;SY))                                         | ")" in D:P(A;;GA;;;SY)) is not an ACE
            D:NO_ACCESS_CONTROL(A;;GA;;;SY)                          | ACEs after NO_ACCESS_CONTROL
            """)
    void sddlsAFileModeCannotExpressAreRefusedNamingTheCulprit(String sddl, String culprit) {
        assertThatIllegalArgumentException().isThrownBy(() -> map(sddl))
                .withMessageStartingWith("SDDL \"" + sddl + "\": ")
                .withMessageContaining(culprit);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  \t "})
    void anEmptySddlIsRefusedRatherThanReadAsNoDacl(String sddl) {
        assertThatIllegalArgumentException().isThrownBy(() -> map(sddl))
                .withMessageContaining("the SDDL is empty")
                .withMessageContaining("pass null for the host-only default");
    }

    @Test
    void messagesSayWhyAndHowToFixIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> map("D:P(A;;GA;;;S-1-22-1-1001)")).withMessage(
                "SDDL \"D:P(A;;GA;;;S-1-22-1-1001)\": ACE (A;;GA;;;S-1-22-1-1001) cannot be expressed as a file mode: "
                        + "the ACE grants Unix user 1001, which is not the file's owner; make it the owner with "
                        + "O:S-1-22-1-1001");
        assertThatIllegalArgumentException().isThrownBy(() -> map("D:P(A;;GR;;;S-1-22-2-7)")).withMessage(
                "SDDL \"D:P(A;;GR;;;S-1-22-2-7)\": ACE (A;;GR;;;S-1-22-2-7) cannot be expressed as a file mode: "
                        + "the ACE grants Unix group 7, which is not the file's group; make it the group with "
                        + "G:S-1-22-2-7");
        assertThatIllegalArgumentException().isThrownBy(() -> map("D:P(AU;SA;GA;;;WD)")).withMessage(
                "SDDL \"D:P(AU;SA;GA;;;WD)\": ACE (AU;SA;GA;;;WD) has type AU, which a file mode cannot express: "
                        + "only A (allow) and D (deny) ACEs are mapped; write it as an A or D ACE, put audit ACEs in "
                        + "the SACL (S:), which is ignored, or remove it");
    }
}
