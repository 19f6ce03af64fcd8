from django.core.management.base import BaseCommand, CommandError

from accounts.demo import seed_demo


class Command(BaseCommand):
    help = "Seed the local demo (a staff login, a local OAuth client); safe to run again."

    def handle(self, *args, **options):
        try:
            demo = seed_demo()
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "kazoo-zapier is starting:",
                    "  admin (provider staff):  http://127.0.0.1:8000/admin/"
                    f"  user {demo.staff_username} / password {demo.staff_password}",
                    "  health:                  http://127.0.0.1:8000/readyz",
                    f"  Kazoo simulator account: {demo.kazoo_account_name!r}, users "
                    f"{', '.join(demo.kazoo_usernames)} / password {demo.kazoo_password}",
                    "  connect page:            http://127.0.0.1:8000/connect/",
                    f"  demo OAuth client:       client_id {demo.oauth_client_id} / secret "
                    f"{demo.oauth_client_secret}, redirect URIs "
                    f"{' '.join(demo.oauth_redirect_uris)}",
                    "",
                ]
            )
        )
