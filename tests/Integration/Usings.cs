global using static JobLog.Integration.Fixtures.Wait;
