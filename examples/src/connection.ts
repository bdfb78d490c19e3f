// The only thing an application changes to move from Azure Service Bus (or its emulator) to
// Omnibus: the connection string. run-tests.sh sets OMNIBUS_CONNECTION_STRING to the broker it starts.
export const connectionString: string =
  process.env.OMNIBUS_CONNECTION_STRING ??
  "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";
